/**
 * Updates of task rows. A repository's task row is set a dozen times in a run (each stage's start, what resolve,
 * diff, commit and push found, the outcome) and SQLite rewrites the whole row each time. Under group commit
 * (group-commit.ts) nothing is on disk before the turn's COMMIT anyway, so the sets of one task are held and
 * written as one UPDATE: when something reads that task (or every task), when the task finishes, or just before
 * the COMMIT. Reads see exactly what they would have seen; a crash loses exactly what it would have lost.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { RunStore } from './types.js';

export type TaskColumns = Record<string, string | number | null>;

export interface TaskRowWriter {
  /** Sets columns (by their SQL names) of a task's row: at once, or held with that task's other sets. */
  set(taskId: number, columns: TaskColumns): void;
  /** Writes what is held for one task, or for every task. */
  flush(taskId?: number): void;
}

export function createTaskRowWriter(db: Db, options: { hold: boolean }): TaskRowWriter {
  // One statement per set of columns, prepared once (preparing costs more than running it).
  const statements = new Map<string, Statement>();
  const write = (taskId: number, columns: ReadonlyMap<string, string | number | null>) => {
    const names = [...columns.keys()].sort();
    const shape = names.join(',');
    let statement = statements.get(shape);
    if (!statement) {
      statement = db.prepare(`UPDATE tasks SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE id = ?`);
      statements.set(shape, statement);
    }
    statement.run(...names.map((name) => columns.get(name)), taskId);
  };
  if (!options.hold) return { set: (taskId, columns) => write(taskId, new Map(Object.entries(columns))), flush: () => undefined };

  const held = new Map<number, Map<string, string | number | null>>();
  return {
    set(taskId, columns) {
      let row = held.get(taskId);
      if (!row) held.set(taskId, (row = new Map()));
      for (const name in columns) row.set(name, columns[name] as string | number | null);
    },
    flush(taskId) {
      if (held.size === 0) return;
      if (taskId !== undefined) {
        const columns = held.get(taskId);
        if (!columns) return;
        held.delete(taskId);
        write(taskId, columns);
        return;
      }
      // Taken out first: after a write that fails, the turn is rolled back and nothing held may outlive it.
      const all = [...held];
      held.clear();
      for (const [id, columns] of all) write(id, columns);
    },
  };
}

/**
 * What each store method must see written of held task rows first: nothing, its own task (the first argument), or
 * every task. TypeScript makes this list name every method of RunStore, so a new one cannot be forgotten.
 */
const SEES_HELD_ROWS: Record<keyof RunStore, 'none' | 'task' | 'all'> = {
  createRun: 'none',
  getRun: 'none',
  latestRun: 'none',
  listRuns: 'none',
  setRunStatus: 'none',
  heartbeat: 'none',
  addTasks: 'none',
  listTasks: 'all',
  listPendingTasks: 'all',
  countTasks: 'all',
  getTask: 'task',
  findReusableResult: 'all',
  hasOtherRunOfTransform: 'none',
  appendTaskLog: 'none',
  readTaskLog: 'none',
  adoptResult: 'all',
  startTask: 'task',
  // These three set task rows through the writer, in order with what is held.
  updateTask: 'none',
  recordStage: 'none',
  finishTask: 'none',
  releaseTask: 'task',
  recordRetry: 'task',
  reopenTasks: 'all',
  releaseRunningTasks: 'all',
  addStepResult: 'none',
  listStepResults: 'none',
  listStageEvents: 'task',
  addCandidate: 'none',
  listCandidates: 'none',
  listRunStageEvents: 'all',
  listRunStepResults: 'none',
  listRunCandidates: 'none',
  previousRun: 'none',
  logEvent: 'none',
  listEvents: 'none',
  close: 'all',
};

/** The store with held task rows written before each method that reads or writes them by other means. */
export function withHeldRowsWritten(store: RunStore, writer: TaskRowWriter): RunStore {
  const wrapped: Record<string, unknown> = {};
  for (const [name, sees] of Object.entries(SEES_HELD_ROWS)) {
    const method = (store[name as keyof RunStore] as (...args: unknown[]) => unknown).bind(store);
    wrapped[name] =
      sees === 'none'
        ? method
        : sees === 'task'
          ? (taskId: number, ...rest: unknown[]) => {
              writer.flush(taskId);
              return method(taskId, ...rest);
            }
          : (...args: unknown[]) => {
              writer.flush();
              return method(...args);
            };
  }
  return wrapped as unknown as RunStore;
}
