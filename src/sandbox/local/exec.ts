/**
 * One command in a fresh bubblewrap sandbox: build the options, start bwrap inside the sandbox's cgroup before it
 * forks, watch the workspace's size while it runs, and afterwards explain a kill (memory, processes, disk).
 */
import path from 'node:path';
import { SandboxLost } from '../../domain/errors.js';
import { formatBytes } from '../../util/units.js';
import { lowSpace, watchFreeSpace } from '../shared/free-space.js';
import { diskUsageForLimit, watchDiskUsage } from '../shared/disk-usage.js';
import type { Owner } from '../shared/reclaim.js';
import type { ExecOptions, ExecResult, SandboxRequest } from '../types.js';
import { SANDBOX_WORKSPACE, baseSandboxEnv, buildBwrapArgs } from './args.js';
import type { LocalCapabilities } from './capabilities.js';
import type { CgroupCounters, SandboxCgroup } from './cgroups/sandbox-cgroup.js';
import { buildInnerCommand } from './inner-command.js';
import { SandboxNotStarted } from './launcher.js';
import { spawnBwrap } from './spawn-bwrap.js';
import type { WorkspaceOwner } from './workspace-owner.js';

export interface ExecContext {
  id: string;
  caps: LocalCapabilities;
  request: SandboxRequest;
  /** Host folder with this sandbox uid's passwd and group (identities.ts). */
  identityDir: string;
  /** The provider's copy of the allow-listed /etc, bound read-only as /etc (sandbox-etc.ts). */
  etcDir: string;
  hasGitDir: boolean;
  createdAt: number;
  filesDir?: string;
  netDir?: string;
  networkEnv: Readonly<Record<string, string>>;
  dropTo?: Owner;
  cgroup?: SandboxCgroup;
  /** The cgroup's counters when last read (they only move while a command runs), to attribute the next kill. */
  cgroupSeen: CgroupCounters;
  rlimits?: { prlimit: string; dataBytes?: number; nproc?: number };
  owner: WorkspaceOwner;
  track: (kill: (reason: string) => void) => () => void;
  /** Free space that must stay on the workspace's filesystem (default: the smaller of 1 GiB and 5%). */
  minFreeBytes?: number;
}

export async function runInSandbox(ctx: ExecContext, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  const { request, caps } = ctx;
  const remaining = request.limits.timeoutMs - (performance.now() - ctx.createdAt);
  const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? Infinity, remaining));
  const cwd = path.posix.join(SANDBOX_WORKSPACE, options.cwd ?? '.');
  const args = buildBwrapArgs({
    workspace: request.workspace,
    hasGitDir: ctx.hasGitDir,
    configDir: ctx.identityDir,
    etcDir: ctx.etcDir,
    ...(ctx.filesDir && { filesDir: ctx.filesDir }),
    ...(ctx.netDir && { netDir: ctx.netDir }),
    identity: caps.identity,
    tmpBytes: request.limits.tmpBytes,
    features: caps.bwrap.features,
    env: { ...baseSandboxEnv(), ...ctx.networkEnv, ...request.env, ...(options.env ?? {}) },
    cwd: cwd === SANDBOX_WORKSPACE || cwd.startsWith(`${SANDBOX_WORKSPACE}/`) ? cwd : SANDBOX_WORKSPACE,
    infoFd: 4,
    ...(caps.seccomp && { seccompFd: 5 }),
  });
  const inner = buildInnerCommand({
    command,
    ...(ctx.dropTo && { drop: { uid: ctx.dropTo.uid, gid: ctx.dropTo.gid, setpriv: caps.setpriv as string } }),
    ...(ctx.rlimits && { rlimits: ctx.rlimits }),
    ...(ctx.netDir && caps.socat && { relay: { socat: caps.socat } }),
  });
  const signal = options.signal && request.signal ? AbortSignal.any([options.signal, request.signal]) : (options.signal ?? request.signal);
  const diskLimit = request.limits.diskBytes;

  let hostDiskLow = false;
  return ctx.owner.forSandbox(async () => {
    const result = await spawnBwrap({
      binary: caps.bwrap.binary as string,
      args,
      command: inner,
      timeoutMs,
      outputBytes: request.limits.outputBytes,
      ...(signal && { signal }),
      ...(options.onOutput && { onOutput: options.onOutput }),
      ...(options.redactor && { redactor: options.redactor }),
      ...(caps.seccomp && { extraFds: [caps.seccomp.filter] }),
      ...(ctx.cgroup && {
        joinCgroupFiles: ctx.cgroup.selfJoinFiles,
        killRemaining: () => (ctx.cgroup as SandboxCgroup).killAll(),
      }),
      track: (kill) => {
        const untrack = ctx.track(kill);
        const unwatch = diskLimit === undefined ? undefined : watchDiskUsage(request.workspace, diskLimit, (bytes) => kill(diskMessage(bytes, diskLimit)));
        const unwatchFree = watchFreeSpace(request.workspace, ctx.minFreeBytes, (reason) => {
          hostDiskLow = true;
          kill(reason);
        });
        return () => {
          unwatch?.();
          unwatchFree();
          untrack();
        };
      },
    }).catch((err: unknown) => {
      if (err instanceof SandboxNotStarted) {
        const what = err.reason === 'cgroup' ? `put sandbox ${ctx.id} into its cgroup` : `start sandbox ${ctx.id}`;
        throw new SandboxLost(`could not ${what}: ${err.message}`, { cause: err });
      }
      throw err;
    });
    // Counters are read only after a failure: a successful command costs no extra reads.
    if (ctx.cgroup && result.exitCode !== 0) ctx.cgroupSeen = await explainCgroupKill(ctx.cgroup, ctx.cgroupSeen, request, result);
    if (hostDiskLow) return { ...result, hostDiskLow: lookAgain(request.workspace, ctx.minFreeBytes) };
    if (!result.killedBy) {
      const low = await lowSpace(request.workspace, ctx.minFreeBytes);
      if (low) return { ...result, exitCode: null, killedBy: low, hostDiskLow: lookAgain(request.workspace, ctx.minFreeBytes) };
    }
    if (diskLimit !== undefined && !result.killedBy) {
      const bytes = await diskUsageForLimit(request.workspace);
      if (bytes > diskLimit) return { ...result, exitCode: null, killedBy: diskMessage(bytes, diskLimit) };
    }
    return result;
  });
}

/** Whether the disk is still under the floor, looked at from the workspace's parent (the workspace is removed by then). */
function lookAgain(workspace: string, floorBytes: number | undefined): NonNullable<ExecResult['hostDiskLow']> {
  return { stillLow: async () => (await lowSpace(path.dirname(workspace), floorBytes)) !== null };
}

function diskMessage(bytes: number, limit: number): string {
  if (!Number.isFinite(bytes)) return `disk limit: the workspace cannot be measured (a path longer than the host can name), so it counts as more than sandbox.disk ${formatBytes(limit)}`;
  return `disk limit: the workspace uses ${formatBytes(bytes)}, more than sandbox.disk ${formatBytes(limit)}`;
}

async function explainCgroupKill(
  cgroup: SandboxCgroup,
  before: CgroupCounters,
  request: SandboxRequest,
  result: ExecResult,
): Promise<CgroupCounters> {
  const after = await cgroup.counters();
  const notes: string[] = [];
  if (after.oomKills > before.oomKills && request.limits.memoryBytes !== undefined) {
    const note = `memory limit of ${formatBytes(request.limits.memoryBytes)} reached (out-of-memory kill)`;
    if (!result.killedBy) {
      result.killedBy = note;
      result.exitCode = null;
    } else notes.push(note);
  }
  const refused = after.pidsMaxHits - before.pidsMaxHits;
  if (refused > 0) notes.push(`process limit of ${request.limits.pids} reached (${refused} fork${refused === 1 ? '' : 's'} refused)`);
  if (notes.length === 0) return after;
  if (result.killedBy) result.killedBy = `${result.killedBy}; ${notes.join('; ')}`;
  result.stderr = `${result.stderr}${result.stderr.endsWith('\n') || result.stderr === '' ? '' : '\n'}[fleetmod] ${notes.join('; ')}\n`;
  return after;
}
