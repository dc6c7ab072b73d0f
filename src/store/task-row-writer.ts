/**
 * Updates of task rows. A repository's task row is set a dozen times in a run (each stage's start, what resolve,
 * diff, commit and push found, the outcome) and SQLite rewrites the whole row each time. Under group commit
 * (group-commit.ts) nothing is on disk before the turn's COMMIT anyway, so the sets of one task are held and
 * written as one UPDATE: when something reads that task (or every task), when the task finishes, or just before
 * the COMMIT (which methods see which held rows: group-commit.ts). Reads see exactly what they would have seen; a
 * crash loses exactly what it would have lost.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

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
