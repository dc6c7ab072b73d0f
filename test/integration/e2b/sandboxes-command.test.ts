import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRunStore } from '../../../src/store/open-store.js';
import { createRedactor } from '../../../src/util/redact.js';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';
import { tempDir } from '../../support/temp.js';

const MAIN = path.resolve(import.meta.dirname, '../../../dist/cli/main.js');

describe('fleetmod sandboxes', () => {
  it('lists fleetmod sandboxes by run status and kills only leftovers unless told otherwise', async () => {
    const fake = await startFakeE2b();
    const root = await tempDir();
    const store = openRunStore(path.join(root, '.fleetmod', 'fleetmod.db'), createRedactor());
    const newRun = (id: string) => store.createRun({ id, jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'e2b', dryRun: false, runDir: root });
    newRun('run-live');
    store.setRunStatus('run-live', 'running');
    store.heartbeat('run-live', { pid: process.pid, host: os.hostname() });
    newRun('run-stopped');
    store.setRunStatus('run-stopped', 'interrupted', 'stopped by user');
    store.close();
    const sdk = sdkFor(fake);
    const tagged = (run: string) => sdk.Sandbox.create('base', { metadata: { job: 'j', run, repo: `org/${run}`, 'created-by': 'fleetmod' } });
    const live = await tagged('run-live');
    const stopped = await tagged('run-stopped');
    const foreign = await tagged('run-elsewhere');
    const unrelated = await sdk.Sandbox.create('base', { metadata: { run: 'run-stopped' } });
    const io = () => captureIo(root, testEnv(fake.env()));

    const listing = io();
    expect(await cli(listing, 'sandboxes')).toBe(0);
    // The journal named on the command line is named in the command it suggests, or that command would look elsewhere.
    const dbFile = path.join(root, '.fleetmod', 'fleetmod.db');
    const withDb = io();
    expect(await cli(withDb, 'sandboxes', '--db', dbFile)).toBe(0);
    expect(withDb.out()).toContain(`1 can be stopped: fleetmod sandboxes --kill --db ${dbFile}`);
    const latest = io();
    expect(await cli(latest, 'sandboxes', 'latest')).toBe(0);
    const killing = io();
    expect(await cli(killing, 'sandboxes', '--kill')).toBe(0);
    const afterKill = fake.alive().map((s) => s.id);
    const named = io();
    expect(await cli(named, 'sandboxes', 'run-elsewhere', '--kill', '--json')).toBe(0);
    const forced = io();
    expect(await cli(forced, 'sandboxes', '--kill', '--force')).toBe(0);

    expect(listing.out()).toContain('3 fleetmod sandbox(es) running on E2B:');
    expect(listing.out()).toMatch(new RegExp(`${stopped.sandboxId}\\s+run-stopped\\s+leftover .*run interrupted`));
    expect(listing.out()).toMatch(new RegExp(`${live.sandboxId}\\s+run-live\\s+live .*process ${process.pid}`));
    expect(listing.out()).toMatch(new RegExp(`${foreign.sandboxId}\\s+run-elsewhere\\s+unknown .*not in this journal`));
    expect(listing.out()).toContain('1 can be stopped: fleetmod sandboxes --kill');
    // `latest` is the journal's newest run.
    expect(latest.out()).toContain('1 fleetmod sandbox(es) of run run-stopped running on E2B:');
    expect(killing.out()).toContain('killed 1\nleft 2 alone');
    expect(afterKill.sort()).toEqual([live.sandboxId, foreign.sandboxId, unrelated.sandboxId].sort());
    expect(JSON.parse(named.out())).toMatchObject({ sandboxes: [{ id: foreign.sandboxId, status: 'unknown' }], killed: [foreign.sandboxId] });
    expect(forced.out()).toContain('killed 1');
    expect(fake.alive().map((s) => s.id)).toEqual([unrelated.sandboxId]);
  });

  it('says so when the key is missing or rejected', async () => {
    const fake = await startFakeE2b();
    const root = await tempDir();
    const missing = captureIo(root, testEnv({ E2B_API_URL: fake.apiUrl, E2B_SANDBOX_URL: fake.sandboxUrl }));
    const wrong = captureIo(root, testEnv(fake.env({ E2B_API_KEY: 'e2b_wrong' })));

    expect(await cli(missing, 'sandboxes')).toBe(2);
    expect(await cli(wrong, 'sandboxes')).toBe(2);
    expect(missing.err()).toContain('E2B_API_KEY is not set');
    expect(wrong.err()).toContain('rejected E2B_API_KEY');
  });

  it('says so when the E2B API cannot be reached, and exits 2 (nothing listed or killed), not 1 (failed repositories)', async () => {
    const root = await tempDir();
    // A port nothing listens on: the connection is refused at once.
    const io = captureIo(root, testEnv({ E2B_API_KEY: 'e2b_test', E2B_API_URL: 'http://127.0.0.1:9', E2B_SANDBOX_URL: 'http://127.0.0.1:9' }));

    expect(await cli(io, 'sandboxes')).toBe(2);
    expect(io.err()).toContain('cannot list sandboxes at http://127.0.0.1:9');
    expect(io.err()).toContain('fix: check the network');
  });

  it('after a crash (SIGKILL) lists the leftovers; resuming the run kills them and finishes', async () => {
    expect(existsSync(MAIN), 'dist/cli/main.js is missing: npm test builds it (npx tsc -p tsconfig.build.json)').toBe(true);
    const fake = await startFakeE2b();
    // The pause comes from the environment (as a secret), so the resumed run uses the same manifest.
    const fixture = await e2bJobFixture(4, (repos) =>
      renameJob(repos, { sandbox: '  secrets: [STEP_PAUSE]', step: "sleep \"$STEP_PAUSE\"\nsed -i 's/fetchData/loadData/g' src/*.js", limits: '  sandbox-rate: 200/s\n  sandboxes: 2' }),
    );
    const child = spawn(process.execPath, [MAIN, 'run', '--dry-run', fixture.job], {
      cwd: fixture.root,
      env: testEnv(fake.env({ STEP_PAUSE: '60' })),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => fake.commands().filter((c) => c.args.join(' ').includes('sleep')).length >= 2);
    child.kill('SIGKILL');
    await exited;
    const leftovers = fake.alive().map((s) => s.id);

    const listing = captureIo(fixture.root, testEnv(fake.env()));
    expect(await cli(listing, 'sandboxes')).toBe(0);
    const resumed = captureIo(fixture.root, testEnv(fake.env({ STEP_PAUSE: '0' })));
    const code = await cli(resumed, 'run', '--dry-run', fixture.job);

    expect(leftovers).toHaveLength(2);
    for (const id of leftovers) expect(listing.out()).toMatch(new RegExp(`${id}\\s+\\S+\\s+leftover .*process ${child.pid} is gone`));
    expect(code, resumed.out()).toBe(0);
    expect(resumed.out()).toContain('resuming');
    expect(resumed.err()).toMatch(/killed 2 E2B sandbox\(es\) of run \S+ left running by an interrupted earlier process/);
    expect(fake.stats()).toMatchObject({ alive: 0, expired: 0 });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the crashing run to start its sandboxes');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
