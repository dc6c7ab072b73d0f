import { describe, expect, it } from 'vitest';
import { SandboxLost } from '../../../src/domain/errors.js';
import { e2bProvider, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { startFakeE2b, type FakeE2b } from '../../support/fake-e2b/index.js';

/**
 * E2B makes the sandbox but its answer never arrives (the fake cuts the connection after creating): what a create
 * that outlives the SDK's request deadline looks like to fleetmod, too — an error without an answer. (The
 * deadline itself is not used here: the SDK's AbortSignal.timeout did not always fire in these tests.)
 */
function providerFor(fake: FakeE2b, notices: string[]) {
  return e2bProvider(fake, {
    createRetry: { attempts: 2, baseMs: 20, capMs: 20 },
    orphanWatch: { windowMs: 5_000, pollMs: 100 },
    notice: (n) => notices.push(n),
  });
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!condition() && performance.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

describe('E2B: a create that gets no answer', () => {
  it('is retried, fails as transient, and leaves no sandbox behind after shutdown', async () => {
    const fake = await startFakeE2b();
    fake.inject({ on: 'create', action: 'lose-answer', times: 2 });
    const provider = providerFor(fake, []);
    const workspace = await sampleCheckout();

    const err = await provider.create(sandboxRequest(workspace)).catch((e: unknown) => e);
    await provider.shutdown();

    expect(err).toBeInstanceOf(SandboxLost);
    expect(String(err)).toMatch(/failed 2 times: TypeError: fetch failed/);
    // Each attempt carried an id of its own, by which its sandbox was found.
    expect(new Set(fake.creates().map((c) => c.request.metadata?.['create-id'])).size).toBe(2);
    expect(fake.stats()).toMatchObject({ created: 2, killed: 2, alive: 0 });
  });

  it('kills the sandbox E2B made for the failed attempt while the retry goes on, without waiting for shutdown', async () => {
    const fake = await startFakeE2b();
    fake.inject({ on: 'create', action: 'lose-answer' });
    const notices: string[] = [];
    const provider = providerFor(fake, notices);
    const workspace = await sampleCheckout();

    const sandbox = await provider.create(sandboxRequest(workspace));

    expect(await until(() => fake.stats().killed === 1, 4_000)).toBe(true);
    expect(fake.alive().map((s) => s.id)).toEqual([sandbox.id]);
    const orphan = fake.creates()[0]?.sandboxId;
    expect(notices).toContain(`killed E2B sandbox ${orphan}: E2B made it after a create for org/service-01 had failed without an answer`);
    await sandbox.destroy();
    await provider.shutdown();
  });

  it('at shutdown, kills a sandbox of the run that this process does not hold', async () => {
    const fake = await startFakeE2b();
    const notices: string[] = [];
    const provider = e2bProvider(fake, { notice: (n) => notices.push(n) });
    const workspace = await sampleCheckout();
    const sandbox = await provider.create(sandboxRequest(workspace));
    // Appears after the run's first look for leftovers: as a sandbox of a create whose failure fleetmod never saw.
    await sdkFor(fake).Sandbox.create('base', { metadata: { job: 'test-job', run: 'run-1', repo: 'org/service-01', 'created-by': 'fleetmod' } });

    await sandbox.destroy();
    await provider.shutdown();

    expect(fake.stats()).toMatchObject({ alive: 0, killed: 2 });
    expect(notices).toContain('killed 1 E2B sandbox(es) of run run-1 that this process did not hold (made for a create that had failed)');
  });
});
