import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { tempDir } from '../support/temp.js';

describe('migration runner', () => {
  it('applies the repository migrations once, in order; a second run applies nothing', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'j.db');

    const first = openDb(file);
    const applied = migrate(first).applied;
    first.close();
    const second = openDb(file);
    const again = migrate(second);
    const tables = second.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    const mode = second.pragma('journal_mode', { simple: true });
    second.close();

    expect(applied).toEqual(readMigrations().map((m) => m.name));
    expect(applied[0]).toBe('001_init');
    expect(again).toEqual({ applied: [], drifted: [] });
    expect(tables).toEqual(expect.arrayContaining([{ name: 'runs' }, { name: 'tasks' }, { name: 'stage_events' }, { name: 'task_events' }, { name: 'schema_migrations' }]));
    expect(mode).toBe('wal');
  });

  it('applies in numeric order, rolls back a failing migration, and reports a changed one', async () => {
    const dir = await tempDir();
    const migrations = path.join(dir, 'migrations');
    await mkdir(migrations);
    await writeFile(path.join(migrations, '002_second.sql'), 'CREATE TABLE b (id INTEGER); INSERT INTO a VALUES (2);');
    await writeFile(path.join(migrations, '001_first.sql'), 'CREATE TABLE a (id INTEGER);');
    await writeFile(path.join(migrations, '003_broken.sql'), 'CREATE TABLE c (id INTEGER); INSERT INTO nope VALUES (1);');
    const db = openDb(path.join(dir, 'j.db'));

    expect(() => migrate(db, readMigrations(migrations))).toThrow(/migration 003_broken failed: no such table: nope/);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    const cExists = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'c'").get();
    expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
    expect(cExists).toEqual({ n: 0 });

    await writeFile(path.join(migrations, '003_broken.sql'), 'CREATE TABLE c (id INTEGER);');
    await writeFile(path.join(migrations, '001_first.sql'), 'CREATE TABLE a (id INTEGER, extra TEXT);');
    const result = migrate(db, readMigrations(migrations));
    db.close();
    expect(result).toEqual({ applied: ['003_broken'], drifted: ['001_first'] });
  });

  it('keeps a journal\'s stage events, ids and all, when 015 rebuilds their table for the stopped state', async () => {
    const db = openDb(path.join(await tempDir(), 'j.db'));
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 15));
    db.exec(`INSERT INTO runs (id, job_name, manifest_path, manifest_hash, job_json, provider, dry_run, status, run_dir, created_at, updated_at)
      VALUES ('r', 'j', 'j.yaml', 'h', '{}', 'local', 0, 'interrupted', '/nowhere', 1, 1)`);
    db.exec(`INSERT INTO tasks (id, run_id, position, repo_key, repo_json, status, updated_at) VALUES (7, 'r', 0, 'k', '{}', 'done', 1)`);
    db.exec(`INSERT INTO stage_events (id, task_id, stage, state, at, duration_ms, detail) VALUES
      (40, 7, 'clone', 'succeeded', 10, 5, NULL), (41, 7, 'steps', 'failed', 20, 9, 'killed: aborted')`);

    expect(migrate(db, all).applied).toEqual(['015_stage_stopped']);
    db.exec(`INSERT INTO stage_events (task_id, stage, state, at) VALUES (7, 'steps', 'stopped', 30)`);
    const rows = db.prepare('SELECT id, stage, state, duration_ms, detail FROM stage_events ORDER BY id').all();
    const index = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stage_events'").all();
    db.exec('DELETE FROM tasks WHERE id = 7');
    const afterCascade = db.prepare('SELECT COUNT(*) AS n FROM stage_events').get();
    db.close();

    expect(rows).toEqual([
      { id: 40, stage: 'clone', state: 'succeeded', duration_ms: 5, detail: null },
      { id: 41, stage: 'steps', state: 'failed', duration_ms: 9, detail: 'killed: aborted' },
      { id: 42, stage: 'steps', state: 'stopped', duration_ms: null, detail: null },
    ]);
    expect(index).toEqual([{ name: 'stage_events_by_task' }]);
    expect(afterCascade).toEqual({ n: 0 });
  });

  it('refuses two migrations with the same number', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, '001_a.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, '001_b.sql'), 'SELECT 1;');

    expect(() => readMigrations(dir)).toThrow(/two migrations share version 1/);
  });
});
