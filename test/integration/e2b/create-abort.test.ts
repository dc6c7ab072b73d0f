import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Interrupted } from '../../../src/domain/errors.js';
import { createStageLimiters } from '../../../src/orchestrator/limiters.js';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { e2bProvider, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

describe('E2B: a hard stop while repos wait for the creation rate', () => {
  it('sends no create after the abort, and does not wait out one rate interval per waiting repo', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();
    // One creation per 500 ms: the first slot comes at once, the other four would come over the next two seconds.
    const limiters = createStageLimiters({ gitPerHost: 4, sandboxes: 10, sandboxRate: { count: 1, perMs: 500 } });
    const abort = new AbortController();
    const results = Array.from({ length: 5 }, (_, i) =>
      provider.create(sandboxRequest(workspace, { signal: abort.signal, creationSlot: limiters.creationSlot, labels: { run: 'r', repo: `org/${i}` } })).then(
        async (sandbox) => {
          await sandbox.destroy();
          return 'created';
        },
        (err: unknown) => err,
      ),
    );
    // Each checkout is packed before its create: stop once the first create has arrived.
    const poll = setInterval(() => {
      if (fake.creates().length === 0) return;
      clearInterval(poll);
      abort.abort();
    }, 5);

    const outcomes = await Promise.all(results);
    clearInterval(poll);
    await provider.shutdown();

    expect(fake.creates().length).toBe(1);
    // The one created before the abort is interrupted while its checkout is unpacked, or finished; the rest never start.
    expect(outcomes.filter((o) => o instanceof Interrupted).length).toBeGreaterThanOrEqual(4);
    expect(fake.stats().alive).toBe(0);
  });

  it('fleetmod run: Ctrl-C twice while repos wait for creation slots starts no further sandbox', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(6, (repos) => renameJob(repos, { step: 'sleep 20', limits: '  sandbox-rate: 2/s\n  sandboxes: 6' }));
    const io = captureIo(fixture.root, testEnv(fake.env()));
    let abortedAt = 0;
    const poll = setInterval(() => {
      if (fake.creates().length >= 2) {
        clearInterval(poll);
        abortedAt = Date.now();
        io.signal('SIGINT');
        io.signal('SIGINT');
      }
    }, 10);

    const code = await cli(io, 'run', '--dry-run', fixture.job);
    clearInterval(poll);

    expect(code).toBe(130);
    // Allow for a create already on its way when the poll saw the second one.
    expect(fake.creates().filter((c) => c.at > abortedAt + 50)).toEqual([]);
    expect(fake.creates().length).toBeLessThanOrEqual(3);
    expect(fake.stats().alive).toBe(0);
    const db = new Database(path.join(fixture.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const outcomes = db.prepare('SELECT outcome FROM tasks').all() as { outcome: string | null }[];
    db.close();
    expect(outcomes.every((t) => t.outcome === null)).toBe(true);
  });
});
