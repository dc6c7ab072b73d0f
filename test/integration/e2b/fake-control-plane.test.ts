import { AuthenticationError, RateLimitError, SandboxError, SandboxNotFoundError, ServiceBusyError } from 'e2b';
import { describe, expect, it } from 'vitest';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { decodeMetadataQuery } from '../../support/fake-e2b/control-plane.js';
import { CONCURRENCY_LIMIT_MESSAGE, startFakeE2b } from '../../support/fake-e2b/index.js';

describe('fake E2B control plane, driven by the real e2b SDK', () => {
  it('creates with the request the SDK sends, reports info, and kills (a second kill finds nothing)', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);

    const sbx = await sdk.Sandbox.create('codemod', { timeoutMs: 119_500, metadata: { repo: 'org/repo' }, envs: { FOO: 'bar' }, allowInternetAccess: false });
    const info = await sbx.getInfo();

    expect(fake.creates()[0]?.request).toEqual({
      templateID: 'codemod',
      timeout: 120,
      metadata: { repo: 'org/repo' },
      envVars: { FOO: 'bar' },
      allow_internet_access: false,
    });
    expect(info).toMatchObject({ sandboxId: sbx.sandboxId, templateId: 'codemod', metadata: { repo: 'org/repo' }, state: 'running', cpuCount: 2, memoryMB: 512 });
    expect(info.endAt.getTime() - info.startedAt.getTime()).toBeGreaterThanOrEqual(119_000);
    expect(await sdk.Sandbox.kill(sbx.sandboxId)).toBe(true);
    expect(await sdk.Sandbox.kill(sbx.sandboxId)).toBe(false);
    await expect(sbx.getInfo()).rejects.toBeInstanceOf(SandboxNotFoundError);
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0, killed: 1 });
  });

  it('lists by metadata through the triple encoding, page by page', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    for (const repo of ['org/a', 'org/b', 'org/b', 'org/b', 'other/c']) await sdk.Sandbox.create('base', { metadata: { repo, run: 'r1' } });

    const paginator = sdk.Sandbox.list({ query: { metadata: { repo: 'org/b', run: 'r1' } }, limit: 2 });
    const pages: number[] = [];
    while (paginator.hasNext) pages.push((await paginator.nextItems()).length);

    expect(pages).toEqual([2, 1]);
    expect(decodeMetadataQuery('repo=org%252Frepo')).toEqual({ repo: 'org/repo' });
    expect(decodeMetadataQuery(new URL('http://x/?metadata=repo%3Dorg%25252Frepo').searchParams.get('metadata'))).toEqual({ repo: 'org/repo' });
  });

  it('rejects a wrong API key with 401', async () => {
    const fake = await startFakeE2b();

    await expect(sdkFor(fake, 'e2b_wrong').Sandbox.create('base')).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.stats().rejected.auth).toBe(1);
  });

  it('answers the real 429 beyond the concurrency limit, and a 429 beyond the creation rate', async () => {
    const limited = await startFakeE2b({ maxConcurrent: 2 });
    const sdk = sdkFor(limited);
    const first = await sdk.Sandbox.create('base');
    await sdk.Sandbox.create('base');

    const third = await sdk.Sandbox.create('base').catch((err: unknown) => err);
    await first.kill();
    await sdk.Sandbox.create('base');

    expect(third).toBeInstanceOf(RateLimitError);
    expect(String(third)).toContain(CONCURRENCY_LIMIT_MESSAGE(2));
    expect(limited.stats()).toMatchObject({ alive: 2, peakAlive: 2, rejected: { concurrency: 1 } });

    const paced = await startFakeE2b({ creationRate: { count: 2, perMs: 400 } });
    const results = await Promise.allSettled([0, 1, 2].map(() => sdkFor(paced).Sandbox.create('base')));
    await new Promise((resolve) => setTimeout(resolve, 450));
    const later = await sdkFor(paced).Sandbox.create('base');

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(later.sandboxId).toMatch(/^i/);
    expect(paced.stats().rejected.rate).toBe(1);
  });

  it('counts sandboxes that are still booting toward the limit and the peak', async () => {
    const fake = await startFakeE2b({ startLatencyMs: 150, maxConcurrent: 3 });
    const sdk = sdkFor(fake);

    const started = Date.now();
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => sdk.Sandbox.create('base')));

    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(fake.stats()).toMatchObject({ created: 3, peakAlive: 3 });
  });

  it('expires a sandbox at its timeout; setTimeout resets the lifetime from now', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    const short = await sdk.Sandbox.create('base', { timeoutMs: 1_000 });
    const extended = await sdk.Sandbox.create('base', { timeoutMs: 1_000 });
    await extended.setTimeout(60_000);

    await new Promise((resolve) => setTimeout(resolve, 1_300));

    await expect(short.getInfo()).rejects.toBeInstanceOf(SandboxNotFoundError);
    await expect(short.commands.run('true')).rejects.toBeInstanceOf(SandboxNotFoundError);
    expect((await extended.commands.run('echo alive')).stdout).toBe('alive\n');
    expect(fake.stats()).toMatchObject({ alive: 1, expired: 1 });
  });

  it('injects create failures: 502, 503 and a 429 with Retry-After (which the SDK retries by itself)', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    fake.inject({ on: 'create', action: { respond: 502, body: { code: 502, message: 'bad gateway' } } });
    fake.inject({ on: 'create', action: { respond: 503, body: { code: 503, message: 'no capacity', error_code: 'sandbox_capacity_unavailable' } } });
    fake.inject({ on: 'create', action: { respond: 429, body: { code: 429, message: 'slow down' }, headers: { 'retry-after': '0' } } });

    const badGateway = await sdk.Sandbox.create('base').catch((err: unknown) => err);
    const busy = await sdk.Sandbox.create('base').catch((err: unknown) => err);
    const retried = await sdk.Sandbox.create('base');

    expect(badGateway).toBeInstanceOf(SandboxError);
    expect(badGateway).toMatchObject({ statusCode: 502 });
    expect(busy).toBeInstanceOf(ServiceBusyError);
    expect(retried.sandboxId).toMatch(/^i/);
    expect(fake.creates().map((c) => c.rejected ?? 'ok')).toEqual(['fault', 'fault', 'fault', 'ok']);
  });
});
