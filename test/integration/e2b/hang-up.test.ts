/**
 * The terminal or SSH session an overnight run was started from goes away: fleetmod gets SIGHUP. Node's default
 * would end the process on the spot, leaving every E2B sandbox it holds running (and billed) until its lifetime
 * ends. A hang-up stops the run as SIGTERM does: the running repos finish, no sandbox is left, the run resumes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, startCli } from '../../support/built-cli.js';
import { testEnv } from '../../support/cli.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

describe('E2B: the terminal goes away (SIGHUP) during a run', () => {
  it('stops as for SIGTERM: exit 130, no sandbox left running', { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(4, (repos) => renameJob(repos, { step: 'sleep 8', limits: '  sandbox-rate: 200/s\n  sandboxes: 2\n  concurrency: 2' }));
    const run = startCli(fixture.root, testEnv(fake.env()), 'run', '--dry-run', fixture.job);
    const stepsRunning = () => fake.commands().filter((c) => c.args.join(' ').includes('sleep 8')).length;
    for (let i = 0; i < 600 && stepsRunning() < 2; i += 1) await sleep(50);
    expect(stepsRunning()).toBe(2);

    const createdBefore = fake.creates().length;
    run.child.kill('SIGHUP');
    const exit = await run.exited;

    expect(exit, run.output()).toEqual({ code: 130, signal: null });
    expect(fake.stats().alive).toBe(0);
    // The two repos in their steps finished; no sandbox was created after the hang-up.
    expect(fake.creates().length).toBe(createdBefore);
    expect(run.output()).toMatch(/fleetmod run .*resume|resume/i);
  });
});
