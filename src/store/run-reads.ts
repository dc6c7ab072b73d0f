/**
 * What reports read of a run in one query each — every stage event, step result and candidate of the run — and the
 * run before it; read-only, and cut inside SQLite where a report does not need everything.
 */
import type { Db } from './db.js';
import { OPEN_STAGE_SQL, openStageEvent, toStageEvent, withOpenStages, type OpenStageRow, type StageEventRow } from './open-stage.js';
import { toRun, type CandidateRow, type RunRow, type StepResultRow } from './rows.js';
import type { RunCandidateRecord, RunStore } from './types.js';

export type RunReads = Pick<RunStore, 'listRunStageEvents' | 'listRunStepResults' | 'listRunCandidates' | 'previousRun' | 'lastTaskWriteAt'>;

export function createRunReads(db: Db): RunReads {
  return {
    listRunStageEvents(runId, options = {}) {
      // A "started" event only matters while its stage is open, i.e. for a task still running; skipping the others
      // halves what a report of a finished run reads (journals from before migration 010 have such rows).
      const running = options.startedOnlyWhileRunning ? `AND t.status = 'running'` : '';
      const startedFilter = options.startedOnlyWhileRunning ? `AND (e.state != 'started' OR t.status = 'running')` : '';
      const events = db
        .prepare(`SELECT e.task_id, e.stage, e.state, e.at, e.duration_ms, e.detail FROM stage_events e
          JOIN tasks t ON t.id = e.task_id WHERE t.run_id = ? ${startedFilter} ORDER BY e.task_id, e.id`)
        .raw()
        .all(runId) as StageEventRow[];
      const open = db
        .prepare(`SELECT t.id, t.stage, t.stage_started_at FROM tasks t WHERE t.run_id = ? ${running} AND ${OPEN_STAGE_SQL} ORDER BY t.id`)
        .raw()
        .all(runId) as OpenStageRow[];
      return withOpenStages(events.map(toStageEvent), open.map(openStageEvent));
    },

    listRunStepResults(runId, options = {}) {
      const cut = options.outputChars;
      const tail = (column: string) =>
        cut === undefined ? `s.${column}` : `CASE WHEN length(s.${column}) > @cut THEN substr(s.${column}, -@cut) ELSE s.${column} END`;
      const output = (column: string) =>
        options.outputOnlyOfFailures
          ? `CASE WHEN s.outcome IN ('failure', 'timeout') THEN ${tail(column)} ELSE '' END AS ${column}`
          : `${tail(column)} AS ${column}`;
      const rows = db
        .prepare(`SELECT s.task_id, s.attempt, s.candidate, s.kind, s.name, s.outcome, s.exit_code, s.duration_ms,
          ${output('stdout')}, ${output('stderr')}, s.truncated, s.at
          FROM step_results s JOIN tasks t ON t.id = s.task_id WHERE t.run_id = @runId ORDER BY s.task_id, s.id`)
        .raw()
        .all({ runId, ...(cut !== undefined && { cut: Math.max(1, Math.floor(cut)) }) }) as StepResultRow[];
      return rows.map(([taskId, attempt, candidate, kind, name, outcome, exitCode, durationMs, stdout, stderr, truncated, at]) => ({
        taskId,
        attempt,
        candidate,
        kind,
        name,
        outcome,
        exitCode,
        durationMs,
        stdout,
        stderr,
        truncated: truncated === 1,
        at,
      }));
    },

    listRunCandidates(runId, options = {}) {
      const cut = options.diffChars === undefined ? undefined : Math.max(0, Math.floor(options.diffChars));
      const diff = cut === undefined ? 'c.diff' : cut === 0 ? `''` : 'substr(c.diff, 1, @cut)';
      // The latest attempt that ran candidates is the one whose choice was shipped (a later attempt that reused the
      // journaled diff ran none).
      const rows = db
        .prepare(`SELECT c.task_id, c.attempt, c.position, c.name, c.status, c.score, ${diff} AS diff, length(c.diff),
          c.files_changed, c.insertions, c.deletions, c.sandbox_seconds, c.duration_ms, c.detail, c.chosen, c.at
          FROM candidates c JOIN tasks t ON t.id = c.task_id
          WHERE t.run_id = @runId AND c.attempt = (SELECT MAX(l.attempt) FROM candidates l WHERE l.task_id = c.task_id)
          ORDER BY c.task_id, c.position`)
        .raw()
        .all({ runId, ...(cut !== undefined && cut > 0 && { cut }) }) as CandidateRow[];
      return rows.map(
        ([taskId, attempt, position, name, status, score, text, length, filesChanged, insertions, deletions, sandboxSeconds, durationMs, detail, chosen, at]): RunCandidateRecord => ({
          taskId,
          attempt,
          position,
          name,
          status,
          score,
          diff: text,
          // Both lengths in characters as SQLite counts them (JavaScript counts UTF-16 units).
          diffTruncated: cut !== undefined && length > cut,
          filesChanged,
          insertions,
          deletions,
          sandboxSeconds,
          durationMs,
          detail,
          chosen: chosen === 1,
          at,
        }),
      );
    },

    lastTaskWriteAt(runId) {
      // Each part reads one index range (tasks and events by run, stage events by task): cheap even for 5,000 repos.
      const at = db
        .prepare(`SELECT MAX(
            (SELECT MAX(updated_at) FROM tasks WHERE run_id = @runId),
            COALESCE((SELECT MAX(e.at) FROM stage_events e JOIN tasks t ON t.id = e.task_id WHERE t.run_id = @runId), 0),
            COALESCE((SELECT MAX(at) FROM task_events WHERE run_id = @runId), 0))`)
        .pluck()
        .get({ runId }) as number | null;
      return at;
    },

    previousRun(run) {
      const row = db
        // Of the same kind: a dry run previewing tonight's change is not the run to compare last night's with.
        .prepare(`SELECT * FROM runs WHERE job_name = ? AND dry_run = ? AND id != ? AND (created_at < ? OR (created_at = ? AND id < ?))
          ORDER BY created_at DESC, id DESC LIMIT 1`)
        .get(run.jobName, run.dryRun ? 1 : 0, run.id, run.createdAt, run.createdAt, run.id) as RunRow | undefined;
      return row ? toRun(row) : undefined;
    },
  };
}
