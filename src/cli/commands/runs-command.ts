/** What `fleetmod runs` does (registered in runs.ts, loaded only when it runs). */
import { existsSync } from 'node:fs';
import { UsageError } from '../../domain/errors.js';
import { runCrashed } from '../../orchestrator/run-liveness.js';
import { lastSignOfLife } from '../../report/clock.js';
import { statusReasonOf } from '../../report/format.js';
import type { RunRecord } from '../../store/types.js';
import { formatDuration } from '../../util/units.js';
import { createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

export interface RunsOptions {
  limit?: string;
  json?: boolean;
  stateDir?: string;
  db?: string;
}

export async function runsCommand(io: CliIo, opts: RunsOptions): Promise<ExitCode> {
  const limit = Number(opts.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`-n must be a whole number of runs, 1 or more; got "${opts.limit}"`);
  const { dbPath } = stateLocation(io, opts);
  if (!existsSync(dbPath)) {
    // --json prints one line per run: none. The note goes where it cannot be taken for one.
    (opts.json ? io.stderr : io.stdout)(`no runs yet (no journal at ${dbPath})\n`);
    return EXIT.ok;
  }
  const store = openStore(dbPath, createRedactorFor(io));
  try {
    const now = Date.now();
    const rows = store.listRuns(limit).map((run) => {
      const counts = store.countTasks(run.id);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const open = (counts.pending ?? 0) + (counts.running ?? 0);
      const failed = (counts.failed ?? 0) + (counts['verify-failed'] ?? 0) + (counts['edited-by-human'] ?? 0);
      const state = effectiveState(run, now);
      // A crashed run ended at its last sign of life, which may be a stage written after its last run-row write.
      const end = state === 'crashed' ? lastSignOfLife(run, store.lastTaskWriteAt(run.id)) : run.updatedAt;
      return { run, state, end, total, done: total - open, failed, counts };
    });
    if (opts.json) {
      for (const r of rows) {
        io.stdout(`${JSON.stringify({ id: r.run.id, job: r.run.jobName, state: r.state, reason: r.run.statusReason, dryRun: r.run.dryRun, provider: r.run.provider, createdAt: new Date(r.run.createdAt).toISOString(), total: r.total, done: r.done, failed: r.failed, counts: r.counts })}\n`);
      }
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.stdout('no runs yet\n');
      return EXIT.ok;
    }
    // Columns as wide as what is in them, and no start column: a run id is its start (UTC, to the second). Fixed
    // widths and a start column made every line 108 characters, which an 80-column terminal wraps.
    const table = rows.map((r) => ({
      id: r.run.id,
      job: jobCell(r.run.jobName, r.run.dryRun),
      state: r.state,
      done: `${r.done}/${r.total}`,
      failed: String(r.failed),
      took: formatDuration((r.run.finishedAt ?? (r.state === 'running' ? now : r.end)) - r.run.createdAt),
    }));
    const width = (key: keyof (typeof table)[number], title: string) => Math.max(title.length, ...table.map((t) => t[key].length));
    const w = { id: width('id', 'RUN'), job: width('job', 'JOB'), state: width('state', 'STATE'), done: width('done', 'DONE'), failed: width('failed', 'FAILED') };
    const line = (id: string, job: string, state: string, done: string, failed: string, took: string) =>
      `${id.padEnd(w.id)}  ${job.padEnd(w.job)}  ${state.padEnd(w.state)}  ${done.padStart(w.done)}  ${failed.padStart(w.failed)}  ${took}`.trimEnd();
    io.stdout(`${line('RUN', 'JOB', 'STATE', 'DONE', 'FAILED', 'TOOK')}\n`);
    for (const [i, t] of table.entries()) {
      io.stdout(`${line(t.id, t.job, t.state, t.done, t.failed, t.took)}\n`);
      // Why a run paused (the canary failed, limits.max-failures, the time window) or stopped decides whether to
      // resume it: a line of its own under its row, so the table keeps its width.
      const reason = reasonShown(rows[i]!.run, t.state);
      if (reason) io.stdout(`  ${t.state}: ${reason}\n`);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

const JOB_WIDTH = 28;

/** The job's name, cut with an ellipsis where it is long, and whether the run was a dry run, which is never cut off. */
function jobCell(name: string, dryRun: boolean): string {
  const suffix = dryRun ? ' (dry run)' : '';
  const room = JOB_WIDTH - suffix.length;
  return `${name.length > room ? `${name.slice(0, room - 1)}…` : name}${suffix}`;
}

/** The journaled reason of a paused or stopped run, unless it only repeats the state ("interrupted"). */
function reasonShown(run: RunRecord, state: string): string | null {
  const reason = state === run.status ? statusReasonOf(run) : null;
  return reason && reason.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** A run marked running that nobody runs any more (run-liveness.ts) has crashed: show it as such. */
function effectiveState(run: RunRecord, now: number): string {
  return runCrashed(run, now) ? 'crashed' : run.status;
}
