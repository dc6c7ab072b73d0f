/**
 * Finds bubblewrap and what this machine lets it do. Feature-probes `bwrap --help` instead of trusting version
 * numbers, runs one tiny sandbox, and turns known failure texts into the command that fixes them.
 */
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import type { BwrapFeatures } from './args.js';

export interface BwrapDetection {
  ok: boolean;
  binary?: string;
  version?: string;
  features: BwrapFeatures;
  problem?: string;
  fix?: string;
  notes: string[];
}

const CANDIDATE_PATHS = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'];

export async function detectBwrap(env: NodeJS.ProcessEnv = process.env): Promise<BwrapDetection> {
  const notes: string[] = [];
  const features: BwrapFeatures = { disableUserns: false, tmpfsSize: false, tmpfsPerms: false };
  const binary = await findBinary(env);
  if (!binary) {
    return {
      ok: false,
      features,
      notes,
      problem: 'bubblewrap (bwrap) is not installed; the local sandbox needs it',
      fix: installCommand(),
    };
  }
  const help = await run(binary, ['--help']);
  features.disableUserns = help.stdout.includes('--disable-userns');
  features.tmpfsSize = help.stdout.includes('--size');
  features.tmpfsPerms = help.stdout.includes('--perms');
  const version = (await run(binary, ['--version'])).stdout.trim().replace(/^bubblewrap\s*/, '');
  if (!features.disableUserns) notes.push('bwrap has no --disable-userns (needs 0.8+): nested user namespaces are blocked by seccomp only');
  if (!features.tmpfsSize) notes.push('bwrap has no --size: /tmp and home are not size-capped');

  const probe = await run(binary, [
    '--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin', '--proc', '/proc', '--dev', '/dev', '--', '/usr/bin/true',
  ]);
  if (probe.code !== 0) {
    const { problem, fix } = await explainProbeFailure(probe.stderr);
    return { ok: false, binary, version, features, notes, problem, ...(fix && { fix }) };
  }
  return { ok: true, binary, version, features, notes };
}

async function findBinary(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // FLEETMOD_BWRAP names the one binary to use (a bwrap outside the usual places); nothing else is tried then.
  if (env.FLEETMOD_BWRAP) {
    return access(env.FLEETMOD_BWRAP, constants.X_OK).then(
      () => env.FLEETMOD_BWRAP,
      () => undefined,
    );
  }
  // The distro binary is preferred: AppArmor profiles attach by path (local-sandbox.md §9).
  const dirs = (env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, 'bwrap'));
  for (const candidate of [...CANDIDATE_PATHS, ...dirs]) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

async function explainProbeFailure(stderr: string): Promise<{ problem: string; fix?: string }> {
  const text = stderr.trim();
  const restricted = await readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').catch(() => '0');
  if (/setting up uid map: Permission denied|loopback: Failed RTM_NEWADDR/.test(text) || restricted.trim() === '1') {
    return {
      problem: `bubblewrap cannot create user namespaces: AppArmor restricts them on this system (${text})`,
      fix: 'sudo cp /usr/share/apparmor/extra-profiles/bwrap-userns-restrict /etc/apparmor.d/ && sudo apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict',
    };
  }
  if (/No permissions to creat(e|ing) new namespace|Operation not permitted/.test(text)) {
    return {
      problem: `bubblewrap cannot create namespaces here (${text}); user namespaces are disabled or a container blocks them`,
      fix: 'sudo sysctl -w kernel.unprivileged_userns_clone=1 (Debian ≤ 10) or user.max_user_namespaces=15000; in Docker, run with a seccomp profile that allows unshare',
    };
  }
  return { problem: `bubblewrap failed its self-test: ${text || 'no output'}` };
}

export function installCommand(): string {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  return `${sudo}apt-get install -y bubblewrap   (Fedora/RHEL: ${sudo}dnf install -y bubblewrap; Arch: ${sudo}pacman -S bubblewrap)`;
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
