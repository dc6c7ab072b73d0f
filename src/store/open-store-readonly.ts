/**
 * Opens an existing journal for reading only: no migration, no file created, nothing written (`plan` looks at
 * earlier runs without side effects). Returns undefined when there is no journal yet.
 */
import { existsSync } from 'node:fs';
import type { Redactor } from '../util/redact.js';
import { openDb } from './db.js';
import { createSqliteRunStore } from './sqlite-run-store.js';
import type { RunStore } from './types.js';

export function openRunStoreReadOnly(file: string, redactor: Redactor): RunStore | undefined {
  if (!existsSync(file)) return undefined;
  const db = openDb(file, { readonly: true });
  try {
    return createSqliteRunStore(db, { redactor });
  } catch (err) {
    db.close();
    throw err;
  }
}
