/**
 * Progress for logs and pipes: one line per finished repo and a periodic summary line. Also what a terminal
 * gets when it cannot draw a progress bar.
 */
import type { Outcome } from '../domain/outcome.js';
import { formatDuration } from '../util/units.js';
import { finishedDetail } from './finished-detail.js';
import { runStartedLine } from './run-started-line.js';
import type { ProgressSink, RunStartedEvent, TaskFinishedEvent } from './types.js';

export interface LinesProgressOptions {
  write: (text: string) => void;
  /** Interval of the summary line. @default 30000 */
  summaryEveryMs?: number;
  now?: () => number;
}

export function createLinesProgress(options: LinesProgressOptions): ProgressSink {
  const now = options.now ?? Date.now;
  let start = now();
  let total = 0;
  let done = 0;
  const counts = new Map<Outcome, number>();
  let timer: NodeJS.Timeout | undefined;

  const summary = () => {
    const parts = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    const elapsed = now() - start;
    options.write(`… ${done}/${total} done${parts ? ` (${parts})` : ''} in ${formatDuration(elapsed)}\n`);
  };

  return {
    runStarted(e: RunStartedEvent) {
      start = now();
      total = e.total;
      done = e.alreadyDone;
      options.write(`${runStartedLine(e)}\n`);
      timer = setInterval(summary, options.summaryEveryMs ?? 30_000);
      timer.unref();
    },
    taskStarted: () => undefined,
    stageChanged: () => undefined,
    taskRetrying(repo, attempt, reason, delayMs) {
      options.write(`  retry ${repo.display} (attempt ${attempt + 1} in ${formatDuration(delayMs)}): ${reason}\n`);
    },
    taskFinished(e: TaskFinishedEvent) {
      done += 1;
      counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
      const detail = finishedDetail(e);
      const cls = e.errorClass ? ` (${e.errorClass})` : '';
      options.write(`[${done}/${total}] ${e.outcome}${cls} ${e.repo.display}${detail ? ` — ${firstLine(detail)}` : ''} (${formatDuration(e.durationMs)})\n`);
    },
    notice(level, text) {
      options.write(`${level === 'info' ? '' : `${level}: `}${text}\n`);
    },
    runFinished() {
      if (timer) clearInterval(timer);
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
