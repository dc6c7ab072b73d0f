/**
 * Group commit (src/store/group-commit.ts) with real SQLite files: what one event-loop turn writes is on disk for
 * every other connection when the turn ends, a crash inside a turn loses only that turn, close commits, and a
 * commit that fails stops the next write.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RepoRef } from '../../src/domain/repo.js';
import { StoreFailed } from '../../src/domain/errors.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { BUILT_MAIN, ensureBuilt } from '../support/built-cli.js';
import { tempDir } from '../support/temp.js';

const repo = (name: string): RepoRef => ({ key: `o/${name}`, url: `/${name}`, kind: 'local', owner: 'o', name, display: `o/${name}`, env: {} });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const newRun = { jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/r' };

function countIn(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the run journal with group commit', () => {
  it('commits the writes of one turn together when the turn ends; the writer reads its own writes at once', async () => {
    const file = path.join(await tempDir(), 'fleetmod.db');
    const store = openRunStore(file, createRedactor([]));
    onTestFinished(() => store.close());
    store.createRun({ id: 'r1', ...newRun });
    store.addTasks('r1', [repo('a'), repo('b')]);
    const [task] = store.listTasks('r1');
    store.startTask(task?.id as number);
    store.recordStage(task?.id as number, 'clone', 'started');

    expect(store.getTask(task?.id as number)?.stage).toBe('clone');
    expect(countIn(file, 'SELECT COUNT(*) AS n FROM tasks')).toBe(0);

    await nextTurn();
    expect(countIn(file, 'SELECT COUNT(*) AS n FROM tasks')).toBe(2);
    expect(countIn(file, "SELECT COUNT(*) AS n FROM tasks WHERE stage = 'clone' AND stage_started_at IS NOT NULL")).toBe(1);

    store.recordStage(task?.id as number, 'clone', 'succeeded', 5);
    store.close();
    expect(countIn(file, "SELECT COUNT(*) AS n FROM stage_events WHERE state = 'succeeded'")).toBe(1);
  });

  it('a task row changed several times in a turn and read by nothing is on disk, as last set, once the turn ends', async () => {
    const file = path.join(await tempDir(), 'fleetmod.db');
    const store = openRunStore(file, createRedactor([]));
    onTestFinished(() => store.close());
    store.createRun({ id: 'r1', ...newRun });
    store.addTasks('r1', [repo('a')]);
    await nextTurn();
    const [task] = store.listTasks('r1');
    const id = task?.id as number;
    store.recordStage(id, 'resolve', 'started');
    store.updateTask(id, { baseBranch: 'main', branch: 'fleetmod/x' });
    store.recordStage(id, 'resolve', 'succeeded', 3);
    store.recordStage(id, 'clone', 'started');
    store.updateTask(id, { branch: 'fleetmod/y', pushed: true });

    expect(countIn(file, "SELECT COUNT(*) AS n FROM tasks WHERE branch IS NOT NULL")).toBe(0);
    await nextTurn();
    expect(countIn(file, "SELECT COUNT(*) AS n FROM tasks WHERE base_branch = 'main' AND branch = 'fleetmod/y' AND pushed = 1 AND stage = 'clone'")).toBe(1);
    expect(countIn(file, "SELECT COUNT(*) AS n FROM stage_events WHERE stage = 'resolve' AND state = 'succeeded'")).toBe(1);
  });

  it('a process killed inside a turn loses that turn only; the journal opens and resumes', async () => {
    await ensureBuilt();
    const dist = path.dirname(path.dirname(BUILT_MAIN));
    const file = path.join(await tempDir(), 'fleetmod.db');
    const script = `
      import { openRunStore } from ${JSON.stringify(path.join(dist, 'store', 'open-store.js'))};
      import { createRedactor } from ${JSON.stringify(path.join(dist, 'util', 'redact.js'))};
      const store = openRunStore(${JSON.stringify(file)}, createRedactor([]));
      store.createRun({ id: 'r1', ...${JSON.stringify(newRun)} });
      store.addTasks('r1', [${JSON.stringify(repo('a'))}]);
      setImmediate(() => {
        const [task] = store.listTasks('r1');
        store.startTask(task.id);
        store.recordStage(task.id, 'clone', 'started');
        process.kill(process.pid, 'SIGKILL');
      });
    `;
    const run = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    await expect(run).rejects.toMatchObject({ signal: 'SIGKILL' });

    const store = openRunStore(file, createRedactor([]));
    onTestFinished(() => store.close());
    const [task] = store.listTasks('r1');
    expect(task).toMatchObject({ status: 'pending', attempts: 0, stage: null });
    expect(store.listStageEvents(task?.id as number)).toEqual([]);
  });

  it('a commit that fails is rolled back and reported by the next write, not lost in silence', async () => {
    const db = openDb(path.join(await tempDir(), 'fleetmod.db'));
    migrate(db);
    const store = createSqliteRunStore(db, { redactor: createRedactor([]), groupCommit: true });
    onTestFinished(() => store.close());
    store.createRun({ id: 'r1', ...newRun });
    store.addTasks('r1', [repo('a')]);
    await nextTurn();
    const [task] = store.listTasks('r1');

    // A foreign key checked only at COMMIT: the turn's statements succeed, its commit fails.
    store.recordStage(task?.id as number, 'clone', 'started');
    db.pragma('defer_foreign_keys = ON');
    store.recordStage(999_999, 'clone', 'succeeded', 5);
    await nextTurn();

    expect(() => store.recordStage(task?.id as number, 'push', 'started')).toThrow(StoreFailed);
    expect(store.listStageEvents(task?.id as number)).toEqual([]);
    store.recordStage(task?.id as number, 'clone', 'started');
    await nextTurn();
    expect(store.listStageEvents(task?.id as number)).toHaveLength(1);
  });
});
