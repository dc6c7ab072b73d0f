/**
 * The journal's side of the GitHub write budgets (codehost/github/write-budget.ts): when each counted write got its
 * answer, so a run that starts within the hour — a resume after a stop or a crash, or a new run — counts the writes
 * GitHub still counts (migration 014).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { RunStore } from './types.js';

export type GithubWriteLog = Pick<RunStore, 'githubWrites' | 'recordGithubWrite'>;

export function createGithubWriteLog(db: Db): GithubWriteLog {
  // Prepared on first use: only a run with GitHub repositories writes them, and a read-only journal never does.
  let statements: { drop: Statement; list: Statement; insert: Statement } | undefined;
  const sql = () =>
    (statements ??= {
      drop: db.prepare('DELETE FROM github_writes WHERE budget = ? AND at <= ?'),
      list: db.prepare('SELECT at FROM github_writes WHERE budget = ? AND at > ? ORDER BY at').pluck(),
      insert: db.prepare('INSERT INTO github_writes (budget, at) VALUES (?, ?)'),
    });
  return {
    githubWrites(budget, since) {
      sql().drop.run(budget, since);
      return sql().list.all(budget, since) as number[];
    },
    recordGithubWrite(budget, at) {
      sql().insert.run(budget, Math.round(at));
    },
  };
}
