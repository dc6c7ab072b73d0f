/** An E2B provider wired to a fake E2B, a checkout to hand it, and a request with test-sized limits. */
import type { Sandbox as SdkSandbox } from 'e2b';
import path from 'node:path';
import { createSampleRepo } from '../../src/demo/sample-repos.js';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { createE2bProvider, type E2bProviderOptions } from '../../src/sandbox/e2b/provider.js';
import type { Sandbox, SandboxProvider, SandboxRequest } from '../../src/sandbox/types.js';
import type { FakeE2b } from './fake-e2b/index.js';
import { tempDir } from './temp.js';

export function hostGit(): HostGit {
  return createHostGit({ env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

export function e2bProvider(fake: FakeE2b, options: Partial<E2bProviderOptions> = {}): SandboxProvider {
  return createE2bProvider({
    connection: { apiKey: fake.apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl },
    createRetry: { attempts: 4, baseMs: 20, capMs: 100 },
    ...options,
  });
}

/** A fresh clone of a small sample service (real git), as the orchestrator would hand it to a provider. */
export async function sampleCheckout(name = 'service-01'): Promise<string> {
  const root = await tempDir('fleetmod-e2b-checkout-');
  const bare = path.join(root, `${name}.git`);
  await createSampleRepo(bare, name, { usesOldApi: true, extraFiles: 0, commits: 2 });
  const checkout = path.join(root, 'work');
  await hostGit().clone(bare, checkout, 'main');
  return checkout;
}

export function sandboxRequest(workspace: string, overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    workspace,
    files: new Map(),
    env: {},
    network: false,
    limits: { timeoutMs: 60_000, pids: 1024, tmpBytes: 64 * 2 ** 20, outputBytes: 2 ** 20 },
    template: 'base',
    labels: { job: 'test-job', run: 'run-1', repo: 'org/service-01' },
    ...overrides,
  };
}

/**
 * The SDK object behind a sandbox the E2B provider made, for tests that watch what the SDK itself does on the host
 * (what it reads, what it keeps). A private field: a rename in E2bSandbox fails these tests loudly.
 */
export function sdkOf(sandbox: Sandbox): SdkSandbox {
  const sdk = (sandbox as unknown as { sdk?: SdkSandbox }).sdk;
  if (!sdk) throw new Error('not a sandbox of the E2B provider');
  return sdk;
}
