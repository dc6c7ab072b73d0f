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
import type { TaskRowWriter } from './task-row-writer.js';
import type { RunStore } from './types.js';

export interface GroupCommit {
  /** Called before every write: opens the turn's transaction when none is open. */
  beforeWrite(): void;
  /** Commits the open transaction now (before close, and before anything that must see it on disk). */
  flush(): void;
  /** Whether a failed commit is waiting to be reported by the next write. */
  failed(): boolean;
}

/** `beforeCommit` writes what the store holds back for the commit (task-row-writer.ts), inside the transaction. */
export function createGroupCommit(db: Db, beforeCommit: () => void): GroupCommit {
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
    failed() {
      return failure !== undefined;
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

/**
 * What each method does — reads, writes, writes aside, commits a transaction of its own, closes — and which task rows held back for the commit
 * (task-row-writer.ts) it must see written first: none, its own task's (the first argument) or every task's.
 * TypeScript makes this list name every method of RunStore, so a new one cannot be forgotten.
 */
const METHODS: Record<keyof RunStore, { kind: 'read' | 'write' | 'aside' | 'own' | 'close'; sees?: 'task' | 'all' }> = {
  createRun: { kind: 'write' },
  getRun: { kind: 'read' },
  latestRun: { kind: 'read' },
  listRuns: { kind: 'read' },
  runningRunsOfJob: { kind: 'read' },
  setRunStatus: { kind: 'write' },
  markTransformMixed: { kind: 'write' },
  heartbeat: { kind: 'write' },
  claimRun: { kind: 'own' },
  addTasks: { kind: 'write' },
  listTasks: { kind: 'read', sees: 'all' },
  listTaskRepoKeys: { kind: 'read', sees: 'all' },
  listPendingTasks: { kind: 'read', sees: 'all' },
  countTasks: { kind: 'read', sees: 'all' },
  getTask: { kind: 'read', sees: 'task' },
  findReusableResult: { kind: 'read', sees: 'all' },
  hasReusableResult: { kind: 'read', sees: 'all' },
  hasOtherRunOfTransform: { kind: 'read' },
  appendTaskLog: { kind: 'write' },
  readTaskLog: { kind: 'read' },
  adoptResult: { kind: 'write', sees: 'all' },
  startTask: { kind: 'write', sees: 'task' },
  // These three set task rows through the writer itself, in order with what it holds.
  updateTask: { kind: 'write' },
  recordStage: { kind: 'write' },
  finishTask: { kind: 'write' },
  releaseTask: { kind: 'write', sees: 'task' },
  recordRetry: { kind: 'write', sees: 'task' },
  listReopenable: { kind: 'read', sees: 'all' },
  reopenTasks: { kind: 'write', sees: 'all' },
  releaseRunningTasks: { kind: 'write', sees: 'all' },
  addStepResult: { kind: 'write' },
  listStepResults: { kind: 'read' },
  producingStepResults: { kind: 'read' },
  listStageEvents: { kind: 'read', sees: 'task' },
  addCandidate: { kind: 'write' },
  listCandidates: { kind: 'read' },
  listRunStageEvents: { kind: 'read', sees: 'all' },
  listRunStepResults: { kind: 'read' },
  listRunCandidates: { kind: 'read' },
  previousRun: { kind: 'read' },
  lastTaskWriteAt: { kind: 'read', sees: 'all' },
  logEvent: { kind: 'write' },
  listEvents: { kind: 'read' },
  // Drops the rows that left every window.
  githubWrites: { kind: 'write' },
  // Called from inside a GitHub request (write-budget.ts), where a journal failure would pass for a failed request:
  // it is skipped while a failed commit waits, and the run's next write reports that.
  recordGithubWrite: { kind: 'aside' },
  close: { kind: 'close' },
};

/**
 * The store with every write inside the current turn's transaction, committed at the turn's end and on close; the
 * task rows `rows` holds back are written before the methods that see them and before each commit.
 */
export function withGroupCommit(db: Db, store: RunStore, rows: TaskRowWriter): RunStore {
  const group = createGroupCommit(db, () => rows.flush());
  const grouped: Record<string, unknown> = {};
  for (const [name, { kind, sees }] of Object.entries(METHODS)) {
    const method = (store[name as keyof RunStore] as (...args: unknown[]) => unknown).bind(store);
    grouped[name] =
      kind === 'close'
        ? () => {
            try {
              group.flush();
            } finally {
              method();
            }
          }
        : (...args: unknown[]) => {
            if (kind === 'aside' && group.failed()) return undefined;
            if (kind === 'write' || kind === 'aside') group.beforeWrite();
            // A method with a transaction of its own, committed when it returns: what the turn wrote goes first.
            if (kind === 'own') group.flush();
            if (sees) rows.flush(sees === 'task' ? (args[0] as number) : undefined);
            return method(...args);
          };
  }
  return grouped as unknown as RunStore;
}
