/**
 * Maps a path inside a fake sandbox to the host directory that plays it. Only `/home/user` and `/tmp` exist
 * (they are what bubblewrap binds); anything that resolves outside them — `..`, or a symlink planted by a command
 * — is refused, so the fake never reads or writes a host file on a sandbox's behalf.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FakeSandbox } from './sandbox.js';

export const HOME = '/home/user';
const ROOTS = [HOME, '/tmp'];

/** Thrown when a path is outside what the fake sandbox has. */
export class OutsideSandbox extends Error {}

export function sandboxPathOf(requested: string, user = 'user'): string {
  const home = user === 'root' ? HOME : `/home/${user}`;
  return path.posix.normalize(path.posix.isAbsolute(requested) ? requested : path.posix.join(home, requested));
}

export async function hostPathOf(sandbox: FakeSandbox, requested: string, user?: string): Promise<{ sandboxPath: string; hostPath: string }> {
  const sandboxPath = sandboxPathOf(requested, user);
  if (!ROOTS.some((r) => sandboxPath === r || sandboxPath.startsWith(`${r}/`))) {
    throw new OutsideSandbox(`fake e2b: ${sandboxPath} is outside /home/user and /tmp`);
  }
  const hostPath = path.join(sandbox.root, sandboxPath);
  const root = await realpath(sandbox.root);
  let probe = hostPath;
  for (;;) {
    const real = await realpath(probe).catch(() => null);
    if (real !== null) {
      if (real !== root && !real.startsWith(`${root}/`)) throw new OutsideSandbox(`fake e2b: ${sandboxPath} leads outside the sandbox`);
      break;
    }
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  return { sandboxPath, hostPath };
}
