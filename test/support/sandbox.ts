/** A real git checkout and a local (bubblewrap) provider over it, for sandbox tests at the provider port. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { createLocalProvider, type LocalProviderOptions } from '../../src/sandbox/local/provider.js';
import type { Sandbox, SandboxLimits, SandboxRequest } from '../../src/sandbox/types.js';
import { git } from './git.js';
import { tempDir } from './temp.js';

export const TEST_LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  pids: 256,
  tmpBytes: 64 * 2 ** 20,
  outputBytes: 64 * 1024,
};

/** A committed git repository in a temp folder (the host checkout a sandbox works on). */
export async function checkout(files: Record<string, string> = { 'README.md': '# sample\n', 'src/a.js': 'var a = 1;\n' }): Promise<string> {
  const dir = path.join(await tempDir('fleetmod-ws-'), 'repo');
  await mkdir(dir);
  await git(dir, 'init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  await git(dir, 'add', '-A');
  await git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return dir;
}

export function localProvider(options: Partial<LocalProviderOptions> = {}) {
  const provider = createLocalProvider({ git: createHostGit({ env: process.env }), env: process.env, ...options });
  onTestFinished(() => provider.shutdown());
  return provider;
}

export interface OpenedSandbox {
  sandbox: Sandbox;
  workspace: string;
  log: string[];
}

/** Creates a sandbox over a fresh checkout; destroyed when the test ends. */
export async function openSandbox(
  provider: ReturnType<typeof localProvider>,
  overrides: Partial<Omit<SandboxRequest, 'limits'>> & { limits?: Partial<SandboxLimits> } = {},
): Promise<OpenedSandbox> {
  const workspace = overrides.workspace ?? (await checkout());
  const log: string[] = [];
  const sandbox = await provider.create({
    workspace,
    files: new Map(),
    env: {},
    network: false,
    template: 'base',
    labels: {},
    log: (line) => log.push(line),
    ...overrides,
    limits: { ...TEST_LIMITS, ...overrides.limits },
  });
  onTestFinished(() => sandbox.destroy());
  return { sandbox, workspace, log };
}
