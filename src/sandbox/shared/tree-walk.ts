/**
 * Walks a directory tree on the host without ever following a symbolic link: only real directories are descended
 * into. `walkTree` gives the visitor each entry's own metadata (`lstat`); `walkPaths` only its path, for work that
 * needs none (lending a checkout: one lchown each), and saves the lstat per entry. Used between commands (no
 * sandboxed process alive), so what they see cannot change under them.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface WalkEntry {
  /** Absolute host path. */
  path: string;
  /** Path relative to the walked root, with forward slashes. */
  relative: string;
  stats: Stats;
}

export interface WalkOptions {
  /** Relative paths (top level or deeper) that are neither visited nor descended into, e.g. ".git". */
  skip?: ReadonlySet<string>;
  /** Whether the root itself is visited too. @default false */
  includeRoot?: boolean;
}

/** Visits every entry below `root`; the visitor may be async and may change the entry (but not remove dirs). */
export async function walkTree(root: string, visit: (entry: WalkEntry) => Promise<void> | void, options: WalkOptions = {}): Promise<void> {
  if (options.includeRoot) await visit({ path: root, relative: '', stats: await lstat(root) });
  await walkBelow(root, options.skip, async (full, relative) => {
    let stats: Stats;
    try {
      stats = await lstat(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await visit({ path: full, relative, stats });
    return stats.isDirectory();
  });
}

/** Visits `root` and every path below it by name and type only (what readdir reports). */
export async function walkPaths(root: string, visit: (full: string) => Promise<void>, skip?: ReadonlySet<string>): Promise<void> {
  await visit(root);
  await walkBelow(root, skip, async (full, _relative, entry) => {
    await visit(full);
    return entry.isDirectory();
  });
}

/** The walk itself: every entry below `root` in parallel; `visit` says whether to descend into it. */
async function walkBelow(
  root: string,
  skip: ReadonlySet<string> = new Set(),
  visit: (full: string, relative: string, entry: Dirent) => Promise<boolean>,
): Promise<void> {
  const walkDir = async (dir: string, relativeDir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await Promise.all(
      entries.map(async (entry) => {
        const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (skip.has(relative)) return;
        const full = path.join(dir, entry.name);
        if (await visit(full, relative, entry)) await walkDir(full, relative);
      }),
    );
  };
  await walkDir(root, '');
}
