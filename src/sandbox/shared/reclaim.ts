/**
 * Hands a checkout to the sandbox and takes it back.
 *
 * `lendTree` gives every file of the checkout except `.git` to the sandbox's uid (drop mode), so code running as
 * that unprivileged uid can edit it. `reclaimTree` runs when the host needs the checkout again (taking the diff,
 * destroying the sandbox) and makes it safe to touch from the host:
 * - every entry belongs to the host's owner again (`lchown`, never following links);
 * - setuid and setgid bits are cleared, so nothing executable with raised privileges is left on the host disk;
 * - special files (fifos, sockets, device nodes) are deleted: git never records them, and a host process that
 *   opened a planted fifo would hang;
 * - symbolic links are left as links and never followed (git records their target text; see diff-safety.ts).
 */
import { chmodSync, lchownSync, unlinkSync } from 'node:fs';
import { walkPaths, walkTree } from '../../util/tree-walk.js';
import { UnsafeResult } from './diff-safety.js';

export interface Owner {
  uid: number;
  gid: number;
}

export interface ReclaimReport {
  /** Relative paths of files whose setuid/setgid bits were cleared. */
  scrubbed: string[];
  /** Relative paths of special files that were deleted, with their kind. */
  removed: { path: string; kind: 'fifo' | 'socket' | 'device' }[];
}

const GIT_DIR = new Set(['.git']);

/** Gives the checkout (not its `.git`) to `owner`, the sandbox's uid. The root directory too. */
export async function lendTree(root: string, owner: Owner): Promise<void> {
  await walkPaths(root, (full) => lchownSync(full, owner.uid, owner.gid), GIT_DIR);
}

/** Takes the checkout back for `owner` (the host side) and makes it safe to touch; see the file comment. */
export async function reclaimTree(root: string, owner: Owner | null): Promise<ReclaimReport> {
  try {
    return await reclaimWalk(root, owner);
  } catch (err) {
    // Deeper than a path the host can name: the walk cannot reach what is below, so nothing there is scrubbed and
    // the checkout must not be used. removeTree (util/remove-tree.ts) removes it with a tool that walks any depth.
    if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
      throw new UnsafeResult('the step left a path longer than the host can name (4096 bytes); the checkout is not taken back and is removed');
    }
    throw err;
  }
}

async function reclaimWalk(root: string, owner: Owner | null): Promise<ReclaimReport> {
  const report: ReclaimReport = { scrubbed: [], removed: [] };
  await walkTree(
    root,
    ({ path: full, relative, stats }) => {
      if (stats.isFIFO() || stats.isSocket() || stats.isCharacterDevice() || stats.isBlockDevice()) {
        unlinkSync(full);
        report.removed.push({ path: relative, kind: stats.isFIFO() ? 'fifo' : stats.isSocket() ? 'socket' : 'device' });
        return;
      }
      if (owner && (stats.uid !== owner.uid || stats.gid !== owner.gid)) lchownSync(full, owner.uid, owner.gid);
      if (stats.isSymbolicLink()) return;
      // chmod follows links, but this entry is not one (lstat above, and no sandboxed process is alive).
      const special = stats.mode & 0o6000;
      // A directory the code made unreadable must still be walkable (and removable) by the host.
      const fixDir = stats.isDirectory() && (stats.mode & 0o700) !== 0o700;
      if (special || fixDir) {
        chmodSync(full, (stats.mode & 0o7777 & ~0o6000) | (stats.isDirectory() ? 0o700 : 0));
        if (special && !stats.isDirectory()) report.scrubbed.push(relative);
      }
    },
    { skip: GIT_DIR, includeRoot: true },
  );
  return report;
}
