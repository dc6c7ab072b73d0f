/**
 * Claiming a run in the journal: the run as it is now and the running runs of its job are read, `mayTake` decides,
 * and the claim is written — one BEGIN IMMEDIATE transaction of its own, never joined to an open one, so the claim is
 * on disk before the claimer does anything and two processes claiming at once cannot both win.
 */
import type { Db } from './db.js';
import { toRun, type RunRow } from './rows.js';
import type { ClaimDecision, RunOwner, RunRecord } from './types.js';

export type ClaimRun = (
  id: string,
  owner: RunOwner,
  mayTake: ClaimDecision,
  options?: { discardIfRefused?: boolean },
) => { claimed: boolean; run: RunRecord | undefined };

export function createRunClaim(db: Db, now: () => number): ClaimRun {
  const statements = {
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    runningRunsOfJob: db.prepare("SELECT * FROM runs WHERE job_name = ? AND status = 'running' AND dry_run = 0 ORDER BY created_at"),
    claim: db.prepare(`UPDATE runs SET status = 'running', status_reason = NULL, finished_at = NULL, owner_pid = ?,
      owner_host = ?, heartbeat_at = ?, updated_at = ? WHERE id = ?`),
    // Only a run nobody ever owned and without tasks: what selectRun has just created, and nothing else.
    discardUnstarted: db.prepare(`DELETE FROM runs WHERE id = ? AND owner_pid IS NULL AND heartbeat_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.run_id = runs.id)`),
  };
  const claimRun = db.transaction((id: string, owner: RunOwner, mayTake: ClaimDecision, discardIfRefused: boolean) => {
    const row = statements.getRun.get(id) as RunRow | undefined;
    if (!row) return { claimed: false, run: undefined };
    const run = toRun(row);
    const runningOfJob = (statements.runningRunsOfJob.all(run.jobName) as RunRow[]).map(toRun);
    if (!mayTake(run, runningOfJob)) {
      if (discardIfRefused) statements.discardUnstarted.run(id);
      return { claimed: false, run };
    }
    const at = now();
    statements.claim.run(owner.pid, owner.host, at, at, id);
    return { claimed: true, run: toRun(statements.getRun.get(id) as RunRow) };
  });
  return (id, owner, mayTake, options = {}) => claimRun.immediate(id, owner, mayTake, options.discardIfRefused ?? false);
}
