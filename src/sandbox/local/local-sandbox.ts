/**
 * One local sandbox: everything per sandbox is prepared once here (its uid, step files, its cgroup, the egress
 * proxy), so each `exec` is a single bwrap spawn plus a write or two into the cgroup.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostGit } from '../../git/host-git.js';
import { formatBytes } from '../../util/units.js';
import { makeOwnedTempDir } from '../../util/owned-temp.js';
import { parseAllowList } from '../shared/network/allow-list.js';
import { startEgressProxy, type EgressProxy } from '../shared/network/egress-proxy.js';
import type { Owner, ReclaimReport } from '../shared/reclaim.js';
import { resolveInWorkspace } from '../shared/workspace-path.js';
import type { Sandbox, SandboxRequest } from '../types.js';
import { SANDBOX_GID, SANDBOX_OWN_DESTINATIONS, SANDBOX_UID } from './args.js';
import type { LocalCapabilities } from './capabilities.js';
import { SandboxCgroup } from './cgroups/sandbox-cgroup.js';
import { cgroupName } from './cgroups/stale.js';
import type { SandboxIdentities } from './identities.js';
import { runInSandbox, type ExecContext } from './exec.js';
import { PROXY_PORT, PROXY_SOCKET_NAME } from './inner-command.js';
import { planLimits } from './limits-plan.js';
import { SANDBOX_SCRATCH_PREFIX } from './temp-names.js';
import { WorkspaceOwner } from './workspace-owner.js';

export interface LocalSandboxDeps {
  /** Free space that must stay on the workspace's filesystem (default: the smaller of 1 GiB and 5%). */
  minFreeBytes?: number;
  caps: LocalCapabilities;
  /** The /etc copy shared by the provider's sandboxes (sandbox-etc.ts). */
  etcDir: string;
  git: HostGit;
  tmpRoot?: string;
  /** The provider's uids for drop mode and each uid's passwd and group (identities.ts). */
  identities: SandboxIdentities;
  /** Registers a kill function for every running command (provider shutdown). */
  track: (kill: (reason: string) => void) => () => void;
}

export async function createLocalSandbox(deps: LocalSandboxDeps, request: SandboxRequest): Promise<Sandbox> {
  const { caps } = deps;
  const id = `local-${randomUUID().slice(0, 8)}`;
  const log = request.log ?? (() => undefined);
  const drop = caps.identity === 'drop' ? deps.identities.acquire() : null;
  // A folder of its own only for what only this sandbox has: step files, the proxy's socket.
  let scratch: string | undefined;
  let cgroup: SandboxCgroup | undefined;
  let proxy: EgressProxy | undefined;
  try {
    if (request.files.size > 0 || request.network !== false) {
      scratch = await makeOwnedTempDir(deps.tmpRoot ?? os.tmpdir(), SANDBOX_SCRATCH_PREFIX);
    }
    const sandboxOwner: Owner | null = drop === null ? null : { uid: drop, gid: drop };
    const info = await stat(request.workspace);
    const hostOwner: Owner = { uid: info.uid, gid: info.gid };

    const ids = sandboxOwner ?? { uid: SANDBOX_UID, gid: SANDBOX_GID };
    const identityDir = await deps.identities.filesFor(ids.uid, ids.gid);
    const filesDir = scratch && request.files.size > 0 ? await copyStepFiles(scratch, request.files) : undefined;

    const plan = planLimits(caps);
    const { limits } = request;
    const cgroupLimits = {
      ...(limits.memoryBytes !== undefined && plan.memory?.startsWith('cgroup') && { memoryBytes: limits.memoryBytes }),
      ...(plan.pids?.startsWith('cgroup') && { pids: limits.pids }),
      ...(limits.cpus !== undefined && plan.cpu && { cpus: limits.cpus }),
    };
    if (Object.keys(cgroupLimits).length > 0) cgroup = await SandboxCgroup.create(caps.cgroups, cgroupName(id), cgroupLimits);
    const rlimits =
      caps.prlimit && ((limits.memoryBytes !== undefined && plan.memory === 'rlimit') || plan.pids === 'rlimit')
        ? {
            prlimit: caps.prlimit,
            ...(limits.memoryBytes !== undefined && plan.memory === 'rlimit' && { dataBytes: limits.memoryBytes }),
            ...(plan.pids === 'rlimit' && { nproc: limits.pids }),
          }
        : undefined;

    let netDir: string | undefined;
    const networkEnv: Record<string, string> = {};
    if (scratch && request.network !== false) {
      if (!caps.socat) throw new Error('sandbox.network needs socat, which is not installed');
      netDir = path.join(scratch, 'net');
      await mkdir(netDir, { mode: 0o700 });
      if (sandboxOwner) await chown(netDir, sandboxOwner.uid, sandboxOwner.gid);
      proxy = await startEgressProxy({
        socketPath: path.join(netDir, PROXY_SOCKET_NAME),
        allowList: parseAllowList(request.network),
        log,
        ...(sandboxOwner && { owner: sandboxOwner }),
      });
      const url = `http://127.0.0.1:${PROXY_PORT}`;
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) networkEnv[name] = url;
      networkEnv.NO_PROXY = networkEnv.no_proxy = SANDBOX_OWN_DESTINATIONS.join(',');
    }

    log(
      `sandbox ${id}: bubblewrap, ${sandboxOwner ? `uid ${sandboxOwner.uid} (dropped from root)` : 'user namespace'}, ` +
        `seccomp ${caps.seccomp ? 'on' : 'OFF'}; memory ${limits.memoryBytes !== undefined ? `${formatBytes(limits.memoryBytes)} (${plan.memory})` : 'unlimited'}, ` +
        `processes ${plan.pids ? `${limits.pids} (${plan.pids})` : 'not limited'}, cpus ${limits.cpus !== undefined ? `${limits.cpus} (${plan.cpu})` : 'unlimited'}, ` +
        `disk ${limits.diskBytes !== undefined ? formatBytes(limits.diskBytes) : 'unlimited'}, /tmp ${formatBytes(limits.tmpBytes)}, ` +
        `network ${request.network === false ? 'off' : request.network === true ? 'any public host via proxy' : `allow-list via proxy (${request.network.join(', ')})`}`,
    );

    const onReclaim = (report: ReclaimReport) => {
      for (const file of report.scrubbed) log(`result: cleared setuid/setgid bits on ${file}`);
      for (const special of report.removed) log(`result: deleted ${special.kind} ${special.path} (special files are never part of a change)`);
    };
    const ctx: ExecContext = {
      id,
      caps,
      request,
      identityDir,
      etcDir: deps.etcDir,
      hasGitDir: existsSync(path.join(request.workspace, '.git')),
      createdAt: performance.now(),
      ...(filesDir && { filesDir }),
      ...(netDir && { netDir }),
      networkEnv,
      ...(sandboxOwner && { dropTo: sandboxOwner }),
      ...(cgroup && { cgroup }),
      cgroupSeen: { oomKills: 0, pidsMaxHits: 0 },
      ...(rlimits && { rlimits }),
      owner: new WorkspaceOwner(request.workspace, sandboxOwner, hostOwner, onReclaim),
      track: deps.track,
      ...(deps.minFreeBytes !== undefined && { minFreeBytes: deps.minFreeBytes }),
    };

    let destroyed = false;
    const destroy = async () => {
      if (destroyed) return;
      destroyed = true;
      const removeScratch = async () => {
        await proxy?.close().catch(() => undefined);
        if (proxy) {
          const { allowed, denied } = proxy.counts();
          log(`network: ${allowed} connection(s) allowed, ${denied} denied`);
        }
        if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      };
      let cgroupGone = true;
      // Once no command runs, the checkout is taken back while the cgroup and the scratch folder go.
      const reclaimed = await ctx.owner
        .release(async () => {
          const [, removed] = await Promise.all([removeScratch(), cgroup?.remove().catch(() => false)]);
          cgroupGone = removed ?? true;
        })
        .then(
          () => true,
          (err: unknown) => {
            log(`sandbox ${id}: could not take the checkout back: ${(err as Error).message}`);
            return false;
          },
        );
      // The uid is handed out again only when nothing of this sandbox can be left: its checkout is back and its
      // cgroup is gone (the kernel removes none that still holds a process). Otherwise this provider never uses it
      // again.
      if (drop !== null && reclaimed && cgroupGone) deps.identities.release(drop);
    };

    const sandbox: Sandbox = {
      id,
      provider: 'local',
      exec: (command, options = {}) => runInSandbox(ctx, command, options),
      readFile: (relativePath) => ctx.owner.forHost(async () => readFile(await resolveInWorkspace(request.workspace, relativePath, false))),
      writeFile: (relativePath, data) =>
        ctx.owner.forHost(async () => {
          await writeFile(await resolveInWorkspace(request.workspace, relativePath, true), data);
        }),
      exportDiff: () => ctx.owner.forHost(() => deps.git.worktreeDiff(request.workspace, request.limits.changeBytes)),
      billedSeconds: () => 0,
      destroy,
      [Symbol.asyncDispose]: destroy,
    };
    return sandbox;
  } catch (err) {
    await proxy?.close().catch(() => undefined);
    const cgroupGone = (await cgroup?.remove().catch(() => false)) ?? true;
    if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    // Nothing ran as the uid yet; it goes back unless a cgroup of it may be left.
    if (drop !== null && cgroupGone) deps.identities.release(drop);
    throw err;
  }
}

/**
 * Copies the step files into the sandbox's scratch folder, readable by anyone (whatever the umask or the source's
 * mode), so the sandbox's own uid can read them; executables stay executable.
 */
async function copyStepFiles(scratch: string, files: ReadonlyMap<string, string>): Promise<string> {
  const root = path.join(scratch, 'files');
  const dirs = new Set<string>([root]);
  for (const [relative, hostPath] of files) {
    const target = path.join(root, relative);
    for (let dir = path.dirname(target); dir.startsWith(root); dir = path.dirname(dir)) dirs.add(dir);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(hostPath, target);
    await chmod(target, (await stat(hostPath)).mode & 0o111 ? 0o755 : 0o644);
  }
  for (const dir of dirs) await chmod(dir, 0o755);
  return root;
}
