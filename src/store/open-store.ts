/**
 * Opens (and migrates) the journal at a path and returns the store for a process that writes it, with group
 * commit (group-commit.ts). The one place that wires db + migrations.
 */
import type { Redactor } from '../util/redact.js';
import { openDb } from './db.js';
import { migrate } from './migrate.js';
import { createSqliteRunStore } from './sqlite-run-store.js';
import type { RunStore } from './types.js';

export function openRunStore(file: string, redactor: Redactor): RunStore {
  const db = openDb(file);
  migrate(db);
  return createSqliteRunStore(db, { redactor, groupCommit: true });
}
