/**
 * Statements that must be written together. Outside a transaction they get one of their own; inside one (the
 * run process's group commit, group-commit.ts) they simply join it — better-sqlite3 would otherwise open a
 * savepoint for every call, which costs more than the statements themselves on the journal's hottest paths.
 */
import type { Db } from './db.js';

export function atomically<A extends unknown[], R>(db: Db, work: (...args: A) => R): (...args: A) => R {
  // Made once: db.transaction builds a new wrapper on every call.
  const transaction = db.transaction(work);
  return (...args: A) => (db.inTransaction ? work(...args) : transaction(...args));
}
