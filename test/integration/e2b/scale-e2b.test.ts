import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

function outcomes(root: string): { outcome: string; n: number }[] {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare('SELECT outcome, COUNT(*) AS n FROM tasks GROUP BY outcome').all() as { outcome: string; n: number }[];
  } finally {
    db.close();
  }
}

describe('E2B plan limits enforced by the scheduler', () => {
  it('40 repos at 10 sandboxes while the fake enforces 10: no 429 anywhere, peak exactly 10, all killed', async () => {
    const fake = await startFakeE2b({ maxConcurrent: 10, startLatencyMs: 5 });
    // Twice as many repos in flight as sandboxes allowed, so the sandbox limit (not the task queue) is what holds.
    const fixture = await e2bJobFixture(40, (repos) =>
      renameJob(repos, { step: 'test -f src/index.js', limits: '  concurrency: 20\n  sandboxes: 10\n  sandbox-rate: 1000/s\n  clone: 10' }),
    );
    const io = captureIo(fixture.root, testEnv(fake.env()));

    const code = await cli(io, 'run', '--dry-run', fixture.job);

    expect(code, io.out()).toBe(0);
    expect(io.err()).toBe('');
    expect(outcomes(fixture.root)).toEqual([{ outcome: 'unchanged', n: 40 }]);
    // Whole words only: a stage duration such as "429ms" in the summary is not a refusal.
    expect(io.out()).not.toMatch(/\b429\b|rate limit|^ {2}retry /im);
    expect(fake.stats()).toEqual({
      created: 40,
      alive: 0,
      peakAlive: 10,
      killed: 40,
      expired: 0,
      rejected: { concurrency: 0, rate: 0, auth: 0, fault: 0 },
    });
    // About 20 short-lived processes per repo (host git, tar, bubblewrap per command): allow for a busy machine.
  }, 180_000);

  it('creates no faster than limits.sandbox-rate, which the fake enforces; unpaced creates are refused by it', async () => {
    // The fake runs in this process, so event-loop delays play network latency: allow 400 ms of it.
    const rate = { count: 3, perMs: 1_000, graceMs: 400 };
    const paced = await startFakeE2b({ creationRate: rate });
    // The control's fake is strict (two creates a second, no grace): unpaced, a third create within a second is
    // refused. With the paced fake's window (three in 600 ms), a CI machine under the whole suite's load once spread
    // the six creates (each after its clone) too far apart to trip it.
    const unpaced = await startFakeE2b({ creationRate: { count: 2, perMs: 1_000, graceMs: 0 } });
    const fixture = await e2bJobFixture(6, (repos) => renameJob(repos, { limits: '  sandbox-rate: 3/s\n  clone: 6' }));
    const burst = await e2bJobFixture(6, (repos) => renameJob(repos, { limits: '  sandbox-rate: 1000/s\n  clone: 6' }));

    const code = await cli(captureIo(fixture.root, testEnv(paced.env())), 'run', '--dry-run', fixture.job);
    const burstIo = captureIo(burst.root, testEnv(unpaced.env()));
    const burstCode = await cli(burstIo, 'run', '--dry-run', burst.job);

    expect(code).toBe(0);
    expect(outcomes(fixture.root)).toEqual([{ outcome: 'dry-run', n: 6 }]);
    expect(paced.stats().rejected.rate).toBe(0);
    const at = paced.creates().map((c) => c.at);
    for (let i = rate.count; i < at.length; i += 1) {
      expect((at[i] as number) - (at[i - rate.count] as number)).toBeGreaterThan(rate.perMs - rate.graceMs);
    }
    // The control: without pacing, a fake that enforces a rate refuses creates (the provider retries them, so
    // results are fine); so the paced run's zero refusals are the pacing's doing.
    expect(burstCode, burstIo.out()).toBe(0);
    expect(unpaced.stats().rejected.rate).toBeGreaterThan(0);
  });
});
