/**
 * Group commit for the run process's journal: the writes made in one turn of the event loop share one
 * transaction, committed at the end of that turn (setImmediate), instead of one commit per write.
 *
 * Why it is as safe as a commit per write: nothing fleetmod starts outside the process — a clone, a sandbox, a
 * push, a GitHub call — can finish, and so nothing can be acted on, before the turn that started it has ended and
 * its writes are committed. A crash (kill -9) inside a turn loses at most that turn's writes, which is the same as
 * crashing just before them: every stage is idempotent on resume (a pushed branch is found pushed, an opened PR is
 * found open). A stage transition is thus still committed as it happens — a few microseconds later, together with
 * the others of the same moment — and a 10,000-repo run makes a few commits per repo instead of dozens.
 *
 * BEGIN IMMEDIATE takes the write lock for the turn, so another fleetmod process on the same journal waits
 * (busy_timeout) instead of failing on a stale snapshot. A commit that fails is reported by the next write.
 * withGroupCommit puts a RunStore's writes under it.
 */
import { StoreFailed } from '../domain/errors.js';
import type { Db } from './db.js';
import type { RunStore } from './types.js';

export interface GroupCommit {
  /** Called before every write: opens the turn's transaction when none is open. */
  beforeWrite(): void;
  /** Commits the open transaction now (before close, and before anything that must see it on disk). */
  flush(): void;
}

/** `beforeCommit` writes what the store holds back for the commit (task-row-writer.ts), inside the transaction. */
export function createGroupCommit(db: Db, beforeCommit: () => void = () => undefined): GroupCommit {
  let scheduled: NodeJS.Immediate | undefined;
  let failure: unknown;

  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!db.open || !db.inTransaction) return;
    try {
      beforeCommit();
      db.exec('COMMIT');
    } catch (err) {
      failure = err;
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // the connection is unusable; the next write reports the first error
      }
    }
  };

  return {
    beforeWrite() {
      if (failure !== undefined) {
        const err = failure;
        failure = undefined;
        throw new StoreFailed(`the journal could not be committed: ${(err as Error).message}`, { cause: err });
      }
      if (db.inTransaction) return;
      db.exec('BEGIN IMMEDIATE');
      scheduled = setImmediate(flush);
    },
    flush() {
      flush();
      if (failure !== undefined) {
        const err = failure;
        failure = undefined;
        throw new StoreFailed(`the journal could not be committed: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}

/** Which methods write: TypeScript makes this list name every method of RunStore. */
const METHOD_KINDS: Record<keyof RunStore, 'read' | 'write' | 'close'> = {
  createRun: 'write',
  getRun: 'read',
  latestRun: 'read',
  listRuns: 'read',
  setRunStatus: 'write',
  heartbeat: 'write',
  addTasks: 'write',
  listTasks: 'read',
  listPendingTasks: 'read',
  countTasks: 'read',
  getTask: 'read',
  findReusableResult: 'read',
  hasOtherRunOfTransform: 'read',
  appendTaskLog: 'write',
  readTaskLog: 'read',
  adoptResult: 'write',
  startTask: 'write',
  updateTask: 'write',
  recordStage: 'write',
  releaseTask: 'write',
  recordRetry: 'write',
  finishTask: 'write',
  reopenTasks: 'write',
  releaseRunningTasks: 'write',
  addStepResult: 'write',
  listStepResults: 'read',
  listStageEvents: 'read',
  addCandidate: 'write',
  listCandidates: 'read',
  listRunStageEvents: 'read',
  listRunStepResults: 'read',
  listRunCandidates: 'read',
  previousRun: 'read',
  logEvent: 'write',
  listEvents: 'read',
  close: 'close',
};

/** The store with every write inside the current turn's transaction, committed at the turn's end and on close. */
export function withGroupCommit(db: Db, store: RunStore, beforeCommit?: () => void): RunStore {
  const group = createGroupCommit(db, beforeCommit);
  const grouped: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(METHOD_KINDS)) {
    const method = (store[name as keyof RunStore] as (...args: unknown[]) => unknown).bind(store);
    grouped[name] =
      kind === 'write'
        ? (...args: unknown[]) => {
            group.beforeWrite();
            return method(...args);
          }
        : kind === 'close'
          ? () => {
              try {
                group.flush();
              } finally {
                method();
              }
            }
          : method;
  }
  return grouped as unknown as RunStore;
}
