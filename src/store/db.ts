/** Opens the journal database: WAL so `report` can read while a run writes, a busy timeout, foreign keys. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreFailed } from '../domain/errors.js';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** Open read-only (report while another process writes). @default false */
  readonly?: boolean;
}

export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (!options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new StoreFailed(`cannot open the journal ${file}: ${(err as Error).message}`, { cause: err });
  }
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a crash of fleetmod (kill -9); only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}
