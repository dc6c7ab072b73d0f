/**
 * A run continued by a later process (resume, retry) may have left sandboxes running when the earlier process was
 * killed. They are billed until their lifetime ends, so the later process kills them even when none of the
 * repositories left for it gets as far as a sandbox.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { e2bProvider } from '../../support/e2b-provider.js';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

const leftover = (run: string) => ({ metadata: { job: 'e2b-rename', run, repo: 'org/x', 'created-by': 'fleetmod' } });

describe('E2B: sandboxes an earlier process of a run left running', () => {
  it('the provider kills them when told the run is resumed, with no sandbox created', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    await sdk.Sandbox.create('base', leftover('run-1'));
    const otherRun = await sdk.Sandbox.create('base', leftover('run-2'));
    const notices: string[] = [];
    const provider = e2bProvider(fake, { notice: (m) => notices.push(m) });

    provider.resumingRun?.('run-1');
    await provider.shutdown();

    expect(fake.alive().map((s) => s.id)).toEqual([otherRun.sandboxId]);
    expect(notices).toEqual(['killed 1 E2B sandbox(es) of run run-1 left running by an interrupted earlier process']);
    expect(fake.creates()).toHaveLength(2);
  });

  it('fleetmod retry of a repo whose change is journaled (no sandbox needed) still kills them', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(2, (repos) => renameJob(repos));
    const env = testEnv(fake.env());
    expect(await cli(captureIo(fixture.root, env), 'run', '--dry-run', fixture.job)).toBe(0);
    const db = new Database(path.join(fixture.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const { id: runId } = db.prepare('SELECT id FROM runs').get() as { id: string };
    db.close();
    const createdByRun = fake.creates().length;
    // What a process killed mid-run would have left: a sandbox of this run that nobody holds.
    await sdkFor(fake).Sandbox.create('base', leftover(runId));

    const retry = captureIo(fixture.root, env);
    expect(await cli(retry, 'retry', runId, '--outcome', 'dry-run'), retry.err()).toBe(0);

    expect(fake.creates()).toHaveLength(createdByRun + 1);
    expect(fake.stats().alive).toBe(0);
    expect(retry.err() + retry.out()).toContain(`killed 1 E2B sandbox(es) of run ${runId} left running by an interrupted earlier process`);
  });
});
