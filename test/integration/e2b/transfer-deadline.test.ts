import { describe, expect, it } from 'vitest';
import { Interrupted, SandboxLost } from '../../../src/domain/errors.js';
import { e2bProvider, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

const STALLED_TARBALL = { on: 'upload', match: /workspace\.tar\.gz$/, action: 'stall' } as const;

describe('E2B: a checkout upload that stalls', () => {
  // A 1 s budget and the SDK's request deadline at 2 s make the upload's deadline 2 s (the larger of the two).
  const limits = { timeoutMs: 1_000, pids: 1024, tmpBytes: 2 ** 26, outputBytes: 2 ** 20 };

  it('ends at the transfer deadline as a lost sandbox (transient), and the sandbox is killed', async () => {
    const fake = await startFakeE2b();
    fake.inject(STALLED_TARBALL);
    const provider = e2bProvider(fake, { connection: { apiKey: fake.apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl, requestTimeoutMs: 2_000 } });
    const workspace = await sampleCheckout();
    const started = performance.now();

    const err = await provider.create(sandboxRequest(workspace, { limits })).catch((e: unknown) => e);

    expect(performance.now() - started).toBeLessThan(8_000);
    expect(err).toBeInstanceOf(SandboxLost);
    expect(String(err)).toMatch(/failed while uploading the checkout: TransferTimedOut: the checkout \(\d+ bytes packed\) did not arrive within 2.0s/);
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0 });
  }, 20_000);

  it('a stop during the stalled upload is an interruption, not a lost sandbox', async () => {
    const fake = await startFakeE2b();
    fake.inject(STALLED_TARBALL);
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();
    const abort = new AbortController();
    const poll = setInterval(() => {
      if (fake.stats().created === 1) setTimeout(() => abort.abort(), 200);
    }, 20);

    const err = await provider.create(sandboxRequest(workspace, { limits, signal: abort.signal })).catch((e: unknown) => e);
    clearInterval(poll);

    expect(err).toBeInstanceOf(Interrupted);
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0 });
  }, 20_000);
});
