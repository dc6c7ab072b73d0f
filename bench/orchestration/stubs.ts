/**
 * Benchmark-only implementations of the ports, answering at once, so that what is left of a run is fleetmod's
 * own work: the scheduler, the journal (real SQLite), task logs, templates. Every repository calls the old API,
 * so each goes the whole way: resolve, clone, sandbox, steps, diff, commit, push.
 */
import { createHash } from 'node:crypto';
import type { CodeHost, CodeHostRouter } from '../../src/codehost/types.js';
import type { HostGit } from '../../src/git/host-git.js';
import type { RepoCheckout } from '../../src/git/mirror-cache.js';
import type { ExecResult, Sandbox, SandboxProvider } from '../../src/sandbox/types.js';

const BASE_SHA = 'b'.repeat(40);

/** What the no-op sandbox reports as the change of every repository. */
export const STUB_DIFF = [
  'diff --git a/src/client.js b/src/client.js',
  'index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644',
  '--- a/src/client.js',
  '+++ b/src/client.js',
  '@@ -1,1 +1,1 @@',
  '-export async function fetchData(url) {',
  '+export async function loadData(url) {',
  '',
].join('\n');

const sha = (text: string) => createHash('sha1').update(text).digest('hex');

export function stubGit(): HostGit {
  return {
    remoteBranchSha: async () => null,
    remoteDefaultBranch: async () => 'main',
    remoteState: async () => ({ defaultBranch: 'main', defaultBranchSha: BASE_SHA, branchSha: null }),
    clone: async () => undefined,
    headSha: async () => BASE_SHA,
    fetchRefs: async () => '',
    worktreeDiff: async () => STUB_DIFF,
    diffStat: async () => ({ files: 1, insertions: 1, deletions: 1 }),
    commitDiff: async (dir, request) => sha(`${dir}\0${request.branch}\0${request.time}`),
    fetchBranch: async () => null,
    commitsBetween: async () => [],
    treeSha: async (dir, rev) => sha(`${dir}\0${rev}`),
    commitIsSigned: async () => false,
    push: async () => 'pushed' as const,
  };
}

export function stubCheckouts(): RepoCheckout {
  return { checkout: async () => undefined };
}

export function stubCodeHosts(): CodeHostRouter {
  const host: CodeHost = {
    kind: 'git',
    supportsPullRequests: false,
    inspect: async (repo, _signal, lookAt) => ({ defaultBranch: 'main', pushUrl: repo.url, headOwner: repo.owner, ...(lookAt && { branchSha: null }) }),
    gitAuth: async () => undefined,
  };
  return { forRepo: () => host };
}

export function noopSandboxes(): SandboxProvider {
  let next = 0;
  const ok: ExecResult = { exitCode: 0, stdout: '', stderr: '', truncated: false, timedOut: false, durationMs: 0 };
  return {
    name: 'local',
    isolated: true,
    check: async () => ({ ok: true, lines: ['no-op sandbox (benchmark)'] }),
    async create(): Promise<Sandbox> {
      const destroy = async () => undefined;
      return {
        id: `noop-${(next += 1)}`,
        provider: 'local',
        exec: async () => ({ ...ok }),
        readFile: async () => Buffer.alloc(0),
        writeFile: async () => undefined,
        exportDiff: async () => STUB_DIFF,
        billedSeconds: () => 0,
        destroy,
        [Symbol.asyncDispose]: destroy,
      };
    },
    shutdown: async () => undefined,
  };
}
