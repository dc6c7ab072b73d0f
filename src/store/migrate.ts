/**
 * Applies `migrations/NNN_name.sql` in order, each inside its own transaction, and records what was applied.
 * Forward-only: a migration that was applied with different content is reported, never re-run.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreFailed } from '../domain/errors.js';
import type { Db } from './db.js';

/** The repository's migrations folder; the same relative path works from `src/store` and `dist/store`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f));
  const migrations = files.map((file) => {
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(file.slice(0, file.indexOf('_'))),
      name: file.replace(/\.sql$/, ''),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i += 1) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new StoreFailed(`two migrations share version ${migrations[i]?.version} in ${dir}`);
    }
  }
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  /** Migrations whose file changed after they were applied (left as they are). */
  drifted: string[];
}

export function migrate(db: Db, migrations: Migration[] = readMigrations()): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = new Map(
    (db.prepare('SELECT version, checksum FROM schema_migrations').all() as { version: number; checksum: string }[]).map(
      (row) => [row.version, row.checksum],
    ),
  );
  const applied: string[] = [];
  const drifted: string[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    const checksum = done.get(m.version);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) drifted.push(m.name);
      continue;
    }
    const apply = db.transaction(() => {
      // Another process may have applied it between our read and this write transaction.
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(m.name);
    } catch (err) {
      throw new StoreFailed(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return { applied, drifted };
}
