/**
 * A run killed before its first heartbeat (written every 5 s) still ran as long as its journal shows: its stages
 * were written seconds after the run row, and `runs`, `report` and `show` must count them, not say 0ms.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const T0 = Date.UTC(2024, 5, 2, 2, 0, 0);
const repo = (name: string) => ({ key: `acme/${name}`, url: `https://github.com/acme/${name}.git`, kind: 'github' as const, owner: 'acme', name, display: `acme/${name}`, env: {} });

/** Run created at T0, no heartbeat ever; api's clone ends at T0+3s, web's clone starts at T0+4s and never ends. */
async function killedBeforeHeartbeat(): Promise<{ dir: string; db: string }> {
  const dir = await tempDir();
  const dbPath = path.join(dir, 'fleetmod.db');
  const db = openDb(dbPath);
  migrate(db);
  let clock = T0;
  const store = createSqliteRunStore(db, { redactor: createRedactor(), now: () => clock });
  store.createRun({ id: 'run-killed', jobName: 'lint', manifestPath: 'job.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
  store.addTasks('run-killed', [repo('api'), repo('web')]);
  const [api, web] = store.listTasks('run-killed');
  clock = T0 + 1_000;
  store.startTask(api!.id);
  store.recordStage(api!.id, 'clone', 'started');
  clock = T0 + 3_000;
  store.recordStage(api!.id, 'clone', 'succeeded', 2_000);
  clock = T0 + 4_000;
  store.startTask(web!.id);
  store.recordStage(web!.id, 'clone', 'started');
  store.close();
  return { dir, db: dbPath };
}

describe('a run killed before its first heartbeat', () => {
  it('took until its last journaled stage in runs, the report and show', async () => {
    const { dir, db } = await killedBeforeHeartbeat();
    const runs = captureIo(dir);
    const json = captureIo(dir);
    const show = captureIo(dir);

    expect(await cli(runs, 'runs', '--db', db), runs.err()).toBe(0);
    expect(await cli(json, 'report', 'run-killed', '--format', 'json', '--db', db), json.err()).toBe(0);
    expect(await cli(show, 'show', 'run-killed', 'acme/api', '--db', db), show.err()).toBe(0);

    expect(runs.out()).toMatch(/^run-killed .* crashed .*\s4\.0s$/m);
    const report = JSON.parse(json.out()) as { run: { stalled: boolean; durationMs: number }; repos: { key: string; durationMs: number }[] };
    expect(report.run).toMatchObject({ stalled: true, durationMs: 4_000 });
    expect(report.repos.find((r) => r.key === 'acme/api')!.durationMs).toBe(2_000);
    expect(show.out()).toContain('time:     2.0s');
  });
});
