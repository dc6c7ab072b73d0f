/**
 * The sandbox's E2B lifetime against the job's budget, which starts only once the checkout is in place. The fixed
 * allowances are scaled down (2 × 120 s housekeeping + 60 s margin → 1.5 s) and packing or uploading made slow
 * (a big checkout on a busy host), so each case takes seconds instead of minutes.
 */
import { describe, expect, it, vi } from 'vitest';
import { SandboxLost } from '../../../src/domain/errors.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { e2bProvider, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

const slow = vi.hoisted(() => ({ packMs: 0, uploadMs: 0, packs: [] as number[] }));

vi.mock('../../../src/sandbox/e2b/layout.js', async (importOriginal) => {
  const layout = await importOriginal<typeof import('../../../src/sandbox/e2b/layout.js')>();
  return { ...layout, sandboxLifetimeMs: (budgetMs: number) => budgetMs + 1_500 };
});
vi.mock('../../../src/sandbox/e2b/workspace.js', async (importOriginal) => {
  const workspace = await importOriginal<typeof import('../../../src/sandbox/e2b/workspace.js')>();
  return {
    ...workspace,
    packWorkspace: async (dir: string) => {
      await new Promise((resolve) => setTimeout(resolve, slow.packMs));
      const packed = await workspace.packWorkspace(dir);
      slow.packs.push(Date.now());
      return packed;
    },
    uploadEntries: async (...args: Parameters<typeof workspace.uploadEntries>) => {
      await new Promise((resolve) => setTimeout(resolve, slow.uploadMs));
      return workspace.uploadEntries(...args);
    },
  };
});

const limits = { timeoutMs: 3_000, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 2 ** 20 };

async function stepWithinBudget(packMs: number, uploadMs: number) {
  Object.assign(slow, { packMs, uploadMs, packs: [] });
  const fake = await startFakeE2b();
  const provider = e2bProvider(fake);
  const sandbox = await provider.create(sandboxRequest(await sampleCheckout(), { limits }));
  // 2.5 s of a 3 s budget.
  const result = await sandbox.exec('sleep 2.5; echo done').catch((err: unknown) => err);
  await provider.shutdown();
  return { fake, result };
}

describe('E2B: the sandbox lives as long as the job budget needs, counted from when the budget starts', () => {
  it('a slow pack of the checkout happens before the create, and does not eat the lifetime', async () => {
    const { fake, result } = await stepWithinBudget(3_000, 0);

    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    expect(slow.packs[0]).toBeLessThanOrEqual(fake.creates()[0]!.at);
    expect(fake.stats()).toMatchObject({ created: 1, expired: 0, alive: 0 });
  }, 30_000);

  it('a slow upload does not eat the lifetime either: it is set again when the budget starts', async () => {
    const { fake, result } = await stepWithinBudget(0, 3_000);

    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    expect(fake.stats()).toMatchObject({ created: 1, expired: 0, alive: 0 });
  }, 30_000);

  it('a sandbox gone when its lifetime is set is a lost sandbox, and is destroyed', async () => {
    Object.assign(slow, { packMs: 0, uploadMs: 0 });
    const fake = await startFakeE2b();
    fake.inject({ on: 'timeout', action: { respond: 404, body: { code: 404, message: 'sandbox not found' } } });
    const discarded: Sandbox[] = [];

    const err = await e2bProvider(fake).create(sandboxRequest(await sampleCheckout(), { limits, onDiscarded: (s) => discarded.push(s) })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SandboxLost);
    expect(String(err)).toMatch(/failed while setting its lifetime: SandboxNotFoundError: /);
    expect(discarded).toHaveLength(1);
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0 });
  });
});
