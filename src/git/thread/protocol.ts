/** The messages between fleetmod's main thread and the thread that runs host git (host-git-thread.ts). */
import type { HostGit } from '../host-git.js';
import type { WireError } from './wire-errors.js';

export type HostGitMethod = keyof HostGit;

/** Every HostGit method; the type makes this list name each one exactly once. */
const METHODS: Record<HostGitMethod, true> = {
  remoteBranchSha: true,
  remoteDefaultBranch: true,
  remoteState: true,
  clone: true,
  headSha: true,
  fetchRefs: true,
  worktreeDiff: true,
  diffStat: true,
  commitDiff: true,
  fetchBranch: true,
  commitsBetween: true,
  treeSha: true,
  commitIsSigned: true,
  push: true,
};
export const HOST_GIT_METHODS = Object.keys(METHODS) as HostGitMethod[];

/** What the worker is started with (workerData). */
export interface HostGitThreadData {
  env: Record<string, string | undefined>;
  timeoutMs?: number;
  templateDir?: string;
}

export type ToWorker = { kind: 'call'; id: number; method: HostGitMethod; args: unknown[] } | { kind: 'abort' };

export type FromWorker = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };
