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

  it('refuses two migrations with the same number', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, '001_a.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, '001_b.sql'), 'SELECT 1;');

    expect(() => readMigrations(dir)).toThrow(/two migrations share version 1/);
  });
});
