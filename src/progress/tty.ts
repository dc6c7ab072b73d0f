/**
 * Progress on an interactive terminal: finished repos scroll by as lines, and one status line stays at the bottom
 * with a bar, counts per outcome, throughput, ETA and what is running now. Redrawn at most ten times a second.
 */
import type { Outcome } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Stage } from '../domain/stage.js';
import { formatDuration } from '../util/units.js';
import { finishedDetail } from './finished-detail.js';
import { runStartedLine } from './run-started-line.js';
import type { ProgressSink, RunStartedEvent, TaskFinishedEvent } from './types.js';

export interface TtyProgressOptions {
  write: (text: string) => void;
  columns: () => number;
  now?: () => number;
  redrawEveryMs?: number;
}

const SHORT: Record<Outcome, string> = {
  'pr-opened': 'PR opened',
  'pr-updated': 'PR updated',
  pushed: 'pushed',
  'dry-run': 'dry run',
  unchanged: 'unchanged',
  'pr-closed': 'PR closed',
  'verify-failed': 'verify failed',
  'edited-by-human': 'edited by human',
  skipped: 'skipped',
  failed: 'failed',
};

const BAD = new Set<Outcome>(['failed', 'verify-failed', 'edited-by-human']);

export function createTtyProgress(options: TtyProgressOptions): ProgressSink {
  const now = options.now ?? Date.now;
  let start = now();
  let total = 0;
  let done = 0;
  let doneThisInvocation = 0;
  const counts = new Map<Outcome, number>();
  const running = new Map<string, { repo: RepoRef; stage: Stage | 'queued' }>();
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let statusShown = false;

  const clearStatus = () => {
    if (statusShown) options.write('\r\x1b[2K');
    statusShown = false;
  };
  const drawStatus = () => {
    dirty = false;
    const width = Math.max(40, options.columns());
    const elapsed = now() - start;
    const rate = elapsed > 0 ? (doneThisInvocation / elapsed) * 60_000 : 0;
    const left = total - done;
    const eta = rate > 0 ? formatDuration((left / rate) * 60_000) : '?';
    const barWidth = 20;
    const filled = total > 0 ? Math.round((done / total) * barWidth) : 0;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
    const parts = [...counts].map(([o, n]) => `${n} ${SHORT[o]}`).join(' · ');
    const active = [...running.values()].slice(0, 3).map((r) => `${r.repo.display} (${r.stage})`).join(', ');
    let line = `${bar} ${done}/${total}${parts ? `  ${parts}` : ''}  ${rate.toFixed(1)}/min  ETA ${eta}${active ? `  ▸ ${active}` : ''}`;
    if (line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
    clearStatus();
    options.write(line);
    statusShown = true;
  };
  const printLine = (text: string) => {
    clearStatus();
    options.write(`${text}\n`);
    dirty = true;
  };

  return {
    runStarted(e: RunStartedEvent) {
      start = now();
      total = e.total;
      done = e.alreadyDone;
      printLine(runStartedLine(e));
      timer = setInterval(() => {
        if (dirty || running.size > 0) drawStatus();
      }, options.redrawEveryMs ?? 100);
      timer.unref();
    },
    taskStarted(repo) {
      running.set(repo.key, { repo, stage: 'queued' });
      dirty = true;
    },
    stageChanged(repo, stage) {
      running.set(repo.key, { repo, stage });
      dirty = true;
    },
    taskRetrying(repo, attempt, reason, delayMs) {
      printLine(`  retry ${repo.display} (attempt ${attempt + 1} in ${formatDuration(delayMs)}): ${reason.split('\n')[0]}`);
    },
    taskFinished(e: TaskFinishedEvent) {
      running.delete(e.repo.key);
      done += 1;
      doneThisInvocation += 1;
      counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
      const mark = BAD.has(e.outcome) ? '✗' : e.outcome === 'skipped' || e.outcome === 'unchanged' ? '·' : '✓';
      const first = finishedDetail(e).split('\n')[0] ?? '';
      printLine(`${mark} ${SHORT[e.outcome]}${e.errorClass ? ` (${e.errorClass})` : ''} ${e.repo.display}${first ? ` — ${first.slice(0, 160)}` : ''}`);
    },
    notice(level, text) {
      printLine(`${level === 'info' ? '' : `${level}: `}${text}`);
    },
    runFinished() {
      if (timer) clearInterval(timer);
      clearStatus();
    },
    close() {
      if (timer) clearInterval(timer);
      clearStatus();
    },
  };
}
