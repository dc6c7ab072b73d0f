/** Opens the journal database: WAL so `report` can read while a run writes, a busy timeout, foreign keys. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { JournalUnavailable } from '../domain/errors.js';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** Open read-only (report while another process writes). @default false */
  readonly?: boolean;
}

export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (!options.readonly) makeFolderFor(file);
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new JournalUnavailable(`cannot open the journal ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('busy_timeout = 10000');
    // Reads the file's header: a --db that names a report, or a damaged journal, is refused here, not mid-command.
    db.pragma('schema_version');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode survives a crash of fleetmod (kill -9); only a power loss can drop the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw new JournalUnavailable(`cannot use ${file} as the journal: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** A --state-dir or --db whose folder is a file is a problem with the options to report (exit 2), not a crash. */
function makeFolderFor(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? `${dir} or a folder above it is a file` : (err as Error).message;
    throw new JournalUnavailable(`cannot create the folder of the journal ${file}: ${why}`, { cause: err });
  }
}
