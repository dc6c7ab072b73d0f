import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RepoRef } from '../../src/domain/repo.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { tempDir } from '../support/temp.js';

const repo = (name: string): RepoRef => ({ key: `https://git.example.com/o/${name}.git`, url: `https://git.example.com/o/${name}.git`, kind: 'git', owner: 'o', name, display: `o/${name}`, env: {} });

async function journal() {
  const db = openDb(path.join(await tempDir(), 'fleetmod.db'));
  migrate(db);
  let clock = 1_000;
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), now: () => clock });
  onTestFinished(() => store.close());
  store.createRun({ id: 'r1', jobName: 'j', manifestPath: 'j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/tmp/r1' });
  store.addTasks('r1', [repo('a'), repo('b'), repo('c')]);
  const [a, b, c] = store.listTasks('r1').map((t) => t.id) as [number, number, number];
  return { db, store, a, b, c, tick: (ms: number) => (clock += ms) };
}

describe('the stage a task is in', () => {
  it('is read back as a "started" event after the task\'s ended stages, until that stage ends', async () => {
    const { db, store, a, tick } = await journal();
    store.startTask(a);
    store.recordStage(a, 'resolve', 'started');
    expect(store.listStageEvents(a)).toEqual([{ taskId: a, stage: 'resolve', state: 'started', at: 1_000, durationMs: null, detail: null }]);

    tick(40);
    store.recordStage(a, 'resolve', 'succeeded', 40);
    store.recordStage(a, 'clone', 'started');
    expect(store.listStageEvents(a).map((e) => `${e.stage} ${e.state} ${e.at}`)).toEqual(['resolve succeeded 1040', 'clone started 1040']);

    tick(10);
    store.recordStage(a, 'clone', 'failed', 10, 'remote hung up');
    expect(store.listStageEvents(a).map((e) => `${e.stage} ${e.state}`)).toEqual(['resolve succeeded', 'clone failed']);
    expect(store.getTask(a)?.stage).toBe('clone');
    // Only ends are rows: a start is an update of the task.
    expect(db.prepare("SELECT COUNT(*) AS n FROM stage_events WHERE state = 'started'").get()).toEqual({ n: 0 });
  });

  it('a stage that starts again after it ended is open again (a retried attempt)', async () => {
    const { store, a, tick } = await journal();
    store.startTask(a);
    store.recordStage(a, 'clone', 'started');
    tick(5);
    store.recordStage(a, 'clone', 'failed', 5, 'timeout');
    tick(2_000);
    store.recordStage(a, 'clone', 'started');
    expect(store.listStageEvents(a).map((e) => `${e.stage} ${e.state} ${e.at}`)).toEqual(['clone failed 1005', 'clone started 3005']);
  });

  it('the whole run\'s events put each open stage last in its task, also for a task with no ended stage yet', async () => {
    const { store, a, b, c, tick } = await journal();
    for (const id of [a, b, c]) store.startTask(id);
    store.recordStage(a, 'resolve', 'started');
    store.recordStage(b, 'resolve', 'started');
    store.recordStage(c, 'resolve', 'started');
    tick(3);
    store.recordStage(a, 'resolve', 'succeeded', 3);
    store.recordStage(a, 'clone', 'started');
    store.recordStage(c, 'resolve', 'succeeded', 3);
    store.finishTask(c, { outcome: 'unchanged' });

    const all = store.listRunStageEvents('r1').map((e) => `${e.taskId === a ? 'a' : e.taskId === b ? 'b' : 'c'} ${e.stage} ${e.state}`);
    expect(all).toEqual(['a resolve succeeded', 'a clone started', 'b resolve started', 'c resolve succeeded']);

    store.releaseTask(b, 'interrupted');
    const whileRunning = store.listRunStageEvents('r1', { startedOnlyWhileRunning: true }).map((e) => `${e.taskId === a ? 'a' : e.taskId === b ? 'b' : 'c'} ${e.stage} ${e.state}`);
    expect(whileRunning).toEqual(['a resolve succeeded', 'a clone started', 'c resolve succeeded']);
  });

  it('reads a journal written before stage starts moved to the task (its "started" rows) as before', async () => {
    const { db, store, a } = await journal();
    const insert = db.prepare('INSERT INTO stage_events (task_id, stage, state, at, duration_ms, detail) VALUES (?, ?, ?, ?, ?, NULL)');
    insert.run(a, 'resolve', 'started', 900, null);
    insert.run(a, 'resolve', 'succeeded', 930, 30);
    insert.run(a, 'clone', 'started', 930, null);
    db.prepare("UPDATE tasks SET status = 'running', stage = 'clone' WHERE id = ?").run(a);

    expect(store.listStageEvents(a).map((e) => `${e.stage} ${e.state} ${e.at}`)).toEqual(['resolve started 900', 'resolve succeeded 930', 'clone started 930']);
    expect(store.listRunStageEvents('r1', { startedOnlyWhileRunning: true }).map((e) => `${e.stage} ${e.state}`)).toEqual(['resolve started', 'resolve succeeded', 'clone started']);
  });
});
