/**
 * Everything the local provider can enforce on this machine, found once per provider: bubblewrap and its
 * features, how sandboxed code gets its identity (drop to a dedicated uid when fleetmod is root), the seccomp
 * filter for this architecture, cgroups, and the helper programs (setpriv, prlimit, socat) that must live under
 * /usr to be usable inside. The chosen setup is proven by running one real sandbox with it.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_WORKSPACE, baseSandboxEnv, buildBwrapArgs, identityFiles, type IdentityMode } from './args.js';
import { makeOwnedTempDir, removeLeftoverTempDirs } from '../../util/owned-temp.js';
import { writeReadableFile } from './readable-file.js';
import { writeSandboxEtcFiles } from './sandbox-etc.js';
import { LOCAL_TEMP_PREFIXES, PROBE_PREFIX } from './temp-names.js';
import { detectCgroups, type CgroupSupport } from './cgroups/detect.js';
import { removeStaleCgroups } from './cgroups/stale.js';
import { detectBwrap, type BwrapDetection } from './detect.js';
import { buildInnerCommand } from './inner-command.js';
import { hostSeccompArch, seccompFilterBytes, type SeccompArch } from './seccomp/policy.js';
import { spawnBwrap } from './spawn-bwrap.js';

/** First uid of the range sandboxes run as in drop mode: above systemd's container range (…0x6FFFFFFF). */
export const DROP_UID_BASE = 0x7000_0000;
export const DROP_UID_COUNT = 0x1_0000;

export interface LocalCapabilities {
  bwrap: BwrapDetection;
  identity: IdentityMode;
  setpriv: string | null;
  prlimit: string | null;
  socat: string | null;
  seccomp: { arch: SeccompArch; filter: Buffer } | null;
  cgroups: CgroupSupport;
  /** Why something is weaker than it could be, one line each. */
  notes: string[];
}

export interface CapabilityOptions {
  env?: NodeJS.ProcessEnv;
  /** `userns` forces the user-namespace identity even for root (tests of that path). @default 'auto' */
  identity?: 'auto' | 'userns';
  /** `off` ignores cgroups (tests of the rlimit fallback). @default 'auto' */
  cgroups?: 'auto' | 'off';
  tmpRoot?: string;
}

const NO_CGROUPS: CgroupSupport = { version: null, parents: {}, swapLimit: false, killFile: false, notes: ['cgroups turned off for this provider'] };

export async function detectLocalCapabilities(options: CapabilityOptions = {}): Promise<LocalCapabilities> {
  const isRoot = process.getuid?.() === 0;
  const [bwrap, setpriv, prlimit, socat, cgroups] = await Promise.all([
    detectBwrap(options.env ?? process.env),
    findUnderUsr('setpriv'),
    findUnderUsr('prlimit'),
    findUnderUsr('socat'),
    options.cgroups === 'off' ? Promise.resolve(NO_CGROUPS) : detectCgroups({ isRoot }),
  ]);
  await removeStaleCgroups(cgroups);
  // What killed fleetmod processes left in the temporary folder: sandbox scratch folders, /etc copies, probes.
  await removeLeftoverTempDirs(options.tmpRoot ?? os.tmpdir(), LOCAL_TEMP_PREFIXES);
  const arch = hostSeccompArch();
  const seccomp = arch ? { arch, filter: seccompFilterBytes() } : null;
  const notes: string[] = [];
  if (!seccomp) notes.push(`no seccomp filter for ${process.arch}: ptrace and namespace syscalls are not blocked`);
  let identity: IdentityMode = 'userns';
  if (isRoot && options.identity !== 'userns') {
    if (!setpriv) notes.push('setpriv (util-linux) not found under /usr: sandboxed code runs as root mapped into a user namespace');
    else identity = 'drop';
  }
  const caps: LocalCapabilities = { bwrap, identity, setpriv, prlimit, socat, seccomp, cgroups, notes };
  if (!bwrap.ok) return caps;

  const failure = await probe(caps, options.tmpRoot);
  if (failure && identity === 'drop') {
    caps.identity = 'userns';
    const again = await probe(caps, options.tmpRoot);
    caps.notes.push(`could not drop to a dedicated uid (${failure}); sandboxed code runs as root mapped into a user namespace`);
    if (again) caps.bwrap = { ...bwrap, ok: false, problem: `bubblewrap self-test failed: ${again}` };
  } else if (failure) {
    caps.bwrap = { ...bwrap, ok: false, problem: `bubblewrap self-test failed: ${failure}` };
  }
  return caps;
}

/** Runs `true` in a sandbox set up exactly as the provider would; returns what went wrong, or null. */
async function probe(caps: LocalCapabilities, tmpRoot?: string): Promise<string | null> {
  const dir = await makeOwnedTempDir(tmpRoot ?? os.tmpdir(), PROBE_PREFIX);
  try {
    const uid = caps.identity === 'drop' ? DROP_UID_BASE : undefined;
    for (const [name, content] of Object.entries(identityFiles(uid, uid))) await writeReadableFile(path.join(dir, name), content);
    const etc = path.join(dir, 'etc');
    await mkdir(etc, { mode: 0o755 });
    await writeSandboxEtcFiles(etc);
    const args = buildBwrapArgs({
      workspace: dir,
      hasGitDir: false,
      configDir: dir,
      // The same mounts as a sandbox's, over an /etc of only what fleetmod writes into one (the probe reads none of it).
      etcDir: etc,
      identity: caps.identity,
      tmpBytes: 1 << 20,
      features: caps.bwrap.features,
      env: baseSandboxEnv(),
      cwd: SANDBOX_WORKSPACE,
      infoFd: 4,
      ...(caps.seccomp && { seccompFd: 5 }),
    });
    const result = await spawnBwrap({
      binary: caps.bwrap.binary as string,
      args,
      command: buildInnerCommand({
        command: 'touch /tmp/probe "$HOME/probe"',
        ...(caps.identity === 'drop' && { drop: { uid: DROP_UID_BASE, gid: DROP_UID_BASE, setpriv: caps.setpriv as string } }),
      }),
      timeoutMs: 10_000,
      outputBytes: 4096,
      ...(caps.seccomp && { extraFds: [caps.seccomp.filter] }),
    });
    if (result.exitCode === 0) return null;
    return (result.stderr.trim() || result.stdout.trim() || `exit ${result.exitCode}`).split('\n').slice(-2).join(' | ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A helper program visible inside the sandbox, i.e. under /usr. */
async function findUnderUsr(name: string): Promise<string | null> {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    const file = path.join(dir, name);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return null;
}
