/**
 * RunStore on better-sqlite3. Every write is one short transaction, committed before it returns — or, with
 * `groupCommit` (the run process), committed with the other writes of the same event-loop turn at its end
 * (group-commit.ts), a task row's changes in that turn written as one update (task-row-writer.ts). A stage's start
 * is kept on its task, its end is a row of stage_events (open-stage.ts). The reports' whole-run reads are in
 * run-reads.ts, result reuse in result-reuse.ts, claiming a run in run-claim-transaction.ts.
 */
import type { RepoRef } from '../domain/repo.js';
import type { Redactor } from '../util/redact.js';
import { atomically } from './atomically.js';
import type { Db } from './db.js';
import { createGithubWriteLog } from './github-writes.js';
import { withGroupCommit } from './group-commit.js';
import { createResultReuse } from './result-reuse.js';
import { createRunClaim } from './run-claim-transaction.js';
import { createRunReads } from './run-reads.js';
import { OPEN_STAGE_SQL, openStageEvent, toStageEvent, type OpenStageRow, type StageEventRow } from './open-stage.js';
import { toCandidate, toRun, toStepResult, toTask, type RunRow, type TaskRow } from './rows.js';
import { createTaskRowWriter } from './task-row-writer.js';
import { patchColumns } from './task-patch.js';
import type {
  CandidateRecord,
  EventLevel,
  NewRun,
  RunRecord,
  RunStore,
  StageEvent,
  StepResultRecord,
  TaskEvent,
  TaskFilter,
  TaskRecord,
  TaskResult,
} from './types.js';
import { MIXED_TRANSFORM_PREFIX } from './types.js';

export interface SqliteRunStoreOptions {
  redactor: Redactor;
  now?: () => number;
  /** Commit the writes of one event-loop turn together (group-commit.ts). @default false */
  groupCommit?: boolean;
}

export function createSqliteRunStore(db: Db, options: SqliteRunStoreOptions): RunStore {
  const now = options.now ?? Date.now;
  const clean = (text: string | null | undefined): string | null =>
    text === null || text === undefined ? null : options.redactor.redact(text);

  // Task rows are set through one writer; under group commit it holds a task's sets until something reads them.
  const taskRows = createTaskRowWriter(db, { hold: options.groupCommit ?? false });
  const statements = {
    insertRun: db.prepare(`INSERT INTO runs (id, job_name, manifest_path, manifest_hash, job_json, provider, dry_run,
      status, run_dir, created_at, updated_at, transform_key, no_reuse) VALUES (@id, @jobName, @manifestPath, @manifestHash,
      @jobJson, @provider, @dryRun, 'running', @runDir, @now, @now, @transformKey, @noReuse)`),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    listRuns: db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?'),
    runningRunsOfJob: db.prepare("SELECT * FROM runs WHERE job_name = ? AND status = 'running' AND dry_run = 0 ORDER BY created_at"),
    setRunStatus: db.prepare(`UPDATE runs SET status = ?, status_reason = ?, updated_at = ?,
      finished_at = CASE WHEN ? = 'finished' THEN ? ELSE NULL END WHERE id = ?`),
    // Never over another owner's claim: a process that was suspended past its stale heartbeat is not the owner any more.
    heartbeat: db.prepare(`UPDATE runs SET owner_pid = @pid, owner_host = @host, heartbeat_at = @at, updated_at = @at WHERE id = @id
      AND status = 'running' AND (owner_pid IS NULL OR (owner_pid = @pid AND owner_host = @host))`),
    releaseRun: db.prepare('UPDATE runs SET owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL, updated_at = ? WHERE id = ?'),
    markTransformMixed: db.prepare('UPDATE runs SET transform_key = ?, updated_at = ? WHERE id = ?'),
    maxPosition: db.prepare('SELECT COALESCE(MAX(position), -1) AS max FROM tasks WHERE run_id = ?'),
    insertTask: db.prepare(`INSERT OR IGNORE INTO tasks (run_id, position, repo_key, repo_json, status, updated_at)
      VALUES (?, ?, ?, ?, 'pending', ?)`),
    listTasks: db.prepare('SELECT * FROM tasks WHERE run_id = ? ORDER BY position'),
    listTaskRepoKeys: db.prepare('SELECT repo_key FROM tasks WHERE run_id = ? ORDER BY position').pluck(),
    listPending: db.prepare(`SELECT id, repo_json, retries FROM tasks WHERE run_id = ? AND status != 'done' ORDER BY position`).raw(),
    countAll: db.prepare('SELECT COUNT(*) FROM tasks WHERE run_id = ?').pluck(),
    countTasks: db.prepare(`SELECT CASE WHEN status = 'done' THEN outcome ELSE status END AS key, COUNT(*) AS n
      FROM tasks WHERE run_id = ? GROUP BY key`),
    getTask: db.prepare('SELECT * FROM tasks WHERE id = ?'),
    startTask: db.prepare(`UPDATE tasks SET status = 'running', attempts = attempts + 1,
      started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?`),
    stageEvent: db.prepare(`INSERT INTO stage_events (task_id, stage, state, at, duration_ms, detail)
      VALUES (?, ?, ?, ?, ?, ?)`),
    retry: db.prepare(`UPDATE tasks SET status = 'pending', retries = retries + 1, error_class = 'transient',
      error_message = ?, updated_at = ? WHERE id = ?`),
    releaseOne: db.prepare(`UPDATE tasks SET status = 'pending', updated_at = ? WHERE id = ? AND status = 'running'`),
    release: db.prepare(`UPDATE tasks SET status = 'pending', updated_at = ? WHERE run_id = ? AND status = 'running'`),
    stepResult: db.prepare(`INSERT INTO step_results (task_id, attempt, candidate, kind, name, outcome, exit_code,
      duration_ms, stdout, stderr, truncated, at) VALUES (@taskId, @attempt, @candidate, @kind, @name, @outcome,
      @exitCode, @durationMs, @stdout, @stderr, @truncated, @at)`),
    listStepResults: db.prepare('SELECT * FROM step_results WHERE task_id = ? ORDER BY id'),
    listStageEvents: db.prepare('SELECT task_id, stage, state, at, duration_ms, detail FROM stage_events WHERE task_id = ? ORDER BY id').raw(),
    openStage: db.prepare(`SELECT t.id, t.stage, t.stage_started_at FROM tasks t WHERE t.id = ? AND ${OPEN_STAGE_SQL}`).raw(),
    candidate: db.prepare(`INSERT INTO candidates (task_id, attempt, position, name, status, score, diff, files_changed,
      insertions, deletions, sandbox_seconds, duration_ms, detail, chosen, at) VALUES (@taskId, @attempt, @position, @name,
      @status, @score, @diff, @filesChanged, @insertions, @deletions, @sandboxSeconds, @durationMs, @detail, @chosen, @at)`),
    listCandidates: db.prepare('SELECT * FROM candidates WHERE task_id = ? ORDER BY attempt, position'),
    event: db.prepare('INSERT INTO task_events (run_id, task_id, at, level, message) VALUES (?, ?, ?, ?, ?)'),
    listEvents: db.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY id'),
    appendLog: db.prepare('INSERT INTO task_logs (task_id, text) VALUES (?, ?)'),
    readLog: db.prepare('SELECT text FROM task_logs WHERE task_id = ? ORDER BY id').pluck(),
  };

  const addTasks = atomically(db, (runId: string, repos: readonly RepoRef[]) => {
    let position = (statements.maxPosition.get(runId) as { max: number }).max;
    const at = now();
    for (const repo of repos) {
      position += 1;
      statements.insertTask.run(runId, position, repo.key, JSON.stringify(repo), at);
    }
  });
  const releaseTask = atomically(db, (taskId: number, reason: string) => {
    const at = now();
    statements.releaseOne.run(at, taskId);
    const row = statements.getTask.get(taskId) as TaskRow | undefined;
    if (row) statements.event.run(row.run_id, taskId, at, 'info', clean(reason));
  });

  const claimRun = createRunClaim(db, now);

  const getTask = (taskId: number): TaskRecord | undefined => {
    const row = statements.getTask.get(taskId) as TaskRow | undefined;
    return row ? toTask(row) : undefined;
  };

  const store: RunStore = {
    createRun(run: NewRun): RunRecord {
      statements.insertRun.run({ ...run, dryRun: run.dryRun ? 1 : 0, transformKey: run.transformKey ?? null, noReuse: run.noReuse ? 1 : 0, now: now() });
      return store.getRun(run.id) as RunRecord;
    },

    getRun(id) {
      const row = statements.getRun.get(id) as RunRow | undefined;
      return row ? toRun(row) : undefined;
    },

    latestRun(filter = {}) {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.jobName !== undefined) {
        where.push('job_name = ?');
        params.push(filter.jobName);
      }
      if (filter.manifestHash !== undefined) {
        where.push('manifest_hash = ?');
        params.push(filter.manifestHash);
      }
      if (filter.dryRun !== undefined) where.push(filter.dryRun ? 'dry_run = 1' : 'dry_run = 0');
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT 1`;
      const row = db.prepare(sql).get(...params) as RunRow | undefined;
      return row ? toRun(row) : undefined;
    },

    listRuns(limit = 50) {
      return (statements.listRuns.all(limit) as RunRow[]).map(toRun);
    },

    runningRunsOfJob(jobName) {
      return (statements.runningRunsOfJob.all(jobName) as RunRow[]).map(toRun);
    },

    setRunStatus(id, status, reason = null, finishedAt) {
      const at = now();
      statements.setRunStatus.run(status, clean(reason), at, status, finishedAt ?? at, id);
    },

    markTransformMixed(id) {
      const key = `${MIXED_TRANSFORM_PREFIX}${id}`;
      statements.markTransformMixed.run(key, now(), id);
      return key;
    },

    heartbeat(id, owner) {
      const at = now();
      if (!owner) return statements.releaseRun.run(at, id).changes > 0;
      return statements.heartbeat.run({ id, pid: owner.pid, host: owner.host, at }).changes > 0;
    },

    claimRun,

    addTasks,

    listTaskRepoKeys(runId) {
      return statements.listTaskRepoKeys.all(runId) as string[];
    },

    listTasks(runId) {
      return (statements.listTasks.all(runId) as TaskRow[]).map(toTask);
    },

    listPendingTasks(runId) {
      const rows = statements.listPending.all(runId) as [number, string, number][];
      const pending = rows.map(([id, repoJson, retries]) => ({ id, repo: JSON.parse(repoJson) as RepoRef, retries }));
      return { pending, total: statements.countAll.get(runId) as number };
    },

    getTask,

    countTasks(runId) {
      const rows = statements.countTasks.all(runId) as { key: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.key, r.n]));
    },

    startTask(taskId) {
      const at = now();
      statements.startTask.run(at, at, taskId);
      return getTask(taskId) as TaskRecord;
    },

    updateTask(taskId, patch) {
      if (Object.keys(patch).length > 0) taskRows.set(taskId, patchColumns(patch, now(), clean));
    },

    recordStage(taskId, stage, state, durationMs = null, detail = null) {
      const at = now();
      if (state === 'started') taskRows.set(taskId, { stage, stage_started_at: at, updated_at: at });
      else statements.stageEvent.run(taskId, stage, state, at, durationMs, clean(detail));
    },

    releaseTask,

    recordRetry(taskId, reason) {
      statements.retry.run(clean(reason), now(), taskId);
    },

    finishTask(taskId, result: TaskResult) {
      const at = now();
      taskRows.set(taskId, {
        status: 'done',
        outcome: result.outcome,
        error_class: result.errorClass ?? null,
        error_message: clean(result.errorMessage),
        skip_reason: clean(result.skipReason),
        finished_at: at,
        updated_at: at,
      });
      // Nothing sets a finished task's row again: written now, what is held stays as small as the tasks running.
      taskRows.flush(taskId);
    },

    listReopenable(runId, filter: TaskFilter) {
      const { where, params } = reopenable(runId, filter);
      return (db.prepare(`SELECT * FROM tasks WHERE ${where} ORDER BY position`).all(...params) as TaskRow[]).map(toTask);
    },

    reopenTasks(runId, filter: TaskFilter) {
      const { where, params } = reopenable(runId, filter);
      const result = db
        // retries starts again at 0: a retried repo gets the job's full transient-retry allowance once more.
        .prepare(`UPDATE tasks SET status = 'pending', outcome = NULL, error_class = NULL, error_message = NULL,
          skip_reason = NULL, finished_at = NULL, retries = 0, updated_at = ? WHERE ${where}`)
        .run(now(), ...params);
      return result.changes;
    },

    releaseRunningTasks(runId) {
      return statements.release.run(now(), runId).changes;
    },

    appendTaskLog(taskId, text) {
      statements.appendLog.run(taskId, clean(text));
    },

    readTaskLog(taskId) {
      return (statements.readLog.all(taskId) as string[]).join('');
    },

    addStepResult(r: StepResultRecord) {
      statements.stepResult.run({
        ...r,
        stdout: clean(r.stdout) ?? '',
        stderr: clean(r.stderr) ?? '',
        truncated: r.truncated ? 1 : 0,
      });
    },

    listStepResults(taskId) {
      return (statements.listStepResults.all(taskId) as Record<string, unknown>[]).map(toStepResult);
    },

    listStageEvents(taskId): StageEvent[] {
      const events = (statements.listStageEvents.all(taskId) as StageEventRow[]).map(toStageEvent);
      const open = statements.openStage.get(taskId) as OpenStageRow | undefined;
      if (open) events.push(openStageEvent(open));
      return events;
    },

    addCandidate(c: CandidateRecord) {
      statements.candidate.run({ ...c, diff: clean(c.diff) ?? '', detail: clean(c.detail), chosen: c.chosen ? 1 : 0 });
    },

    listCandidates(taskId): CandidateRecord[] {
      return (statements.listCandidates.all(taskId) as Record<string, unknown>[]).map(toCandidate);
    },

    logEvent(runId, taskId, level: EventLevel, message) {
      statements.event.run(runId, taskId, now(), level, clean(message));
    },

    listEvents(taskId): TaskEvent[] {
      return (statements.listEvents.all(taskId) as Record<string, unknown>[]).map((row) => ({
        runId: row.run_id as string,
        taskId: row.task_id as number | null,
        at: row.at as number,
        level: row.level as EventLevel,
        message: row.message as string,
      }));
    },

    ...createGithubWriteLog(db),
    ...createResultReuse(db, now),
    ...createRunReads(db),

    close() {
      db.close();
    },
  };
  if (!options.groupCommit) return store;
  return withGroupCommit(db, store, taskRows);
}

/** The finished tasks of a run that match a retry's filter, as a WHERE clause (one definition for listing and reopening). */
function reopenable(runId: string, filter: TaskFilter): { where: string; params: (string | number)[] } {
  const where = [`run_id = ?`, `status = 'done'`];
  const params: (string | number)[] = [runId];
  if (filter.outcomes?.length) {
    where.push(`outcome IN (${filter.outcomes.map(() => '?').join(', ')})`);
    params.push(...filter.outcomes);
  }
  if (filter.errorClass) {
    where.push('error_class = ?');
    params.push(filter.errorClass);
  }
  if (filter.repoKeys?.length) {
    where.push(`repo_key IN (${filter.repoKeys.map(() => '?').join(', ')})`);
    params.push(...filter.repoKeys);
  }
  return { where: where.join(' AND '), params };
}
