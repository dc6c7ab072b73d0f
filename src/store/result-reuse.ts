/**
 * The journal's side of result reuse (orchestrator/reuse-result.ts): finding an earlier run's result of the same
 * transformation for a repository, and taking it — diff, counts, commit time, step results and candidates — into
 * another run's task.
 */
import { atomically } from './atomically.js';
import type { Db } from './db.js';
import { toStepResult, toTask, type TaskRow } from './rows.js';
import type { ReusableResultQuery, RunStore } from './types.js';

export type ResultReuse = Pick<RunStore, 'findReusableResult' | 'hasReusableResult' | 'hasOtherRunOfTransform' | 'adoptResult' | 'producingStepResults'>;

/** A finished result of the transformation for this repository entry (and base, when given), in another run. */
const REUSABLE = `FROM tasks t JOIN runs r ON r.id = t.run_id
  WHERE r.transform_key = @transformKey AND t.repo_key = @repoKey AND (@baseSha IS NULL OR t.base_sha = @baseSha)
    AND t.repo_json = @repoJson
    AND t.diff IS NOT NULL AND t.commit_time IS NOT NULL AND t.run_id <> @excludeRunId`;

/**
 * The attempt of task @task that produced its result: the latest one that chose a candidate (best of N; a later
 * attempt reuses the journaled diff or, on a moved base, makes a new one that it chooses again), else the latest that
 * ran steps.
 */
const PRODUCING_ATTEMPT = `COALESCE((SELECT MAX(attempt) FROM candidates WHERE task_id = @task AND chosen = 1),
  (SELECT MAX(attempt) FROM step_results WHERE task_id = @task))`;

export function createResultReuse(db: Db, now: () => number): ResultReuse {
  const statements = {
    findReusable: db.prepare(`SELECT t.* ${REUSABLE} ORDER BY t.updated_at DESC, t.id DESC LIMIT 1`),
    // Whether there is one, without reading its row (the diff can be megabytes).
    anyReusable: db.prepare(`SELECT 1 ${REUSABLE} LIMIT 1`),
    otherRunOfTransform: db.prepare('SELECT 1 FROM runs WHERE transform_key = ? AND id <> ? LIMIT 1'),
    // Not the head SHA: the commit is this run's to make, unless the branch is already at the source's (run-task).
    adoptTask: db.prepare(`UPDATE tasks SET (base_sha, diff, files_changed, insertions, deletions, commit_time,
      reused_from_run, updated_at) = (SELECT base_sha, diff, files_changed, insertions, deletions, commit_time,
      COALESCE(reused_from_run, run_id), @at FROM tasks WHERE id = @from) WHERE id = @id`),
    // Its step results and candidates are taken together, so the chosen flag copied names the candidate whose step
    // output the copied rows hold.
    producingAttempt: db.prepare(`SELECT ${PRODUCING_ATTEMPT} AS attempt`),
    // That attempt's steps, of its chosen candidate when it chose one.
    producingSteps: db.prepare(`WITH producing (attempt, candidate) AS (SELECT a.attempt,
        (SELECT name FROM candidates WHERE task_id = @task AND attempt = a.attempt AND chosen = 1)
        FROM (SELECT ${PRODUCING_ATTEMPT} AS attempt) a)
      SELECT s.* FROM step_results s JOIN producing p ON s.attempt = p.attempt
      WHERE s.task_id = @task AND s.kind = 'step' AND (p.candidate IS NULL OR s.candidate = p.candidate) ORDER BY s.id`),
    adoptStepResults: db.prepare(`INSERT INTO step_results (task_id, attempt, candidate, kind, name, outcome, exit_code,
      duration_ms, stdout, stderr, truncated, at) SELECT @id, @attempt, candidate, kind, name, outcome, exit_code,
      duration_ms, stdout, stderr, truncated, at FROM step_results WHERE task_id = @from AND attempt = @fromAttempt ORDER BY id`),
    adoptCandidates: db.prepare(`INSERT INTO candidates (task_id, attempt, position, name, status, score, diff, files_changed,
      insertions, deletions, sandbox_seconds, duration_ms, detail, chosen, at) SELECT @id, @attempt, position, name, status,
      score, diff, files_changed, insertions, deletions, sandbox_seconds, duration_ms, detail, chosen, at FROM candidates
      WHERE task_id = @from AND attempt = @fromAttempt ORDER BY position`),
  };

  return {
    findReusableResult(query: ReusableResultQuery) {
      const row = statements.findReusable.get(reusableParams(query)) as TaskRow | undefined;
      return row ? toTask(row) : undefined;
    },

    hasReusableResult(query: ReusableResultQuery) {
      return statements.anyReusable.get(reusableParams(query)) !== undefined;
    },

    hasOtherRunOfTransform(transformKey: string, excludeRunId: string) {
      return statements.otherRunOfTransform.get(transformKey, excludeRunId) !== undefined;
    },

    producingStepResults(taskId: number) {
      return (statements.producingSteps.all({ task: taskId }) as Record<string, unknown>[]).map(toStepResult);
    },

    adoptResult: atomically(db, (taskId: number, fromTaskId: number, attempt: number) => {
      statements.adoptTask.run({ id: taskId, from: fromTaskId, at: now() });
      const produced = statements.producingAttempt.get({ task: fromTaskId }) as { attempt: number | null };
      if (produced.attempt === null) return;
      statements.adoptStepResults.run({ id: taskId, attempt, from: fromTaskId, fromAttempt: produced.attempt });
      statements.adoptCandidates.run({ id: taskId, attempt, from: fromTaskId, fromAttempt: produced.attempt });
    }),
  };
}

function reusableParams({ repo, ...rest }: ReusableResultQuery) {
  return { ...rest, baseSha: rest.baseSha ?? null, repoKey: repo.key, repoJson: JSON.stringify(repo) };
}
