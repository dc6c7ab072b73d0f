/**
 * Walks a directory tree on the host without ever following a symbolic link: entries are `lstat`ed, only real
 * directories are descended into, and the visitor gets the entry's own metadata. Used between commands (no
 * sandboxed process alive), so what it sees cannot change under it.
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
  const skip = options.skip ?? new Set<string>();
  if (options.includeRoot) await visit({ path: root, relative: '', stats: await lstat(root) });
  const walkDir = async (dir: string, relativeDir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await Promise.all(
      names.map(async (name) => {
        const relative = relativeDir ? `${relativeDir}/${name}` : name;
        if (skip.has(relative)) return;
        const full = path.join(dir, name);
        let stats: Stats;
        try {
          stats = await lstat(full);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw err;
        }
        await visit({ path: full, relative, stats });
        if (stats.isDirectory()) await walkDir(full, relative);
      }),
    );
  };
  await walkDir(root, '');
}

/**
 * Visits every path below `root` (and `root` itself) by name and type only — the kind readdir reports, no lstat
 * per entry — for work that needs no metadata (lending a checkout: one lchown each). Links are never descended.
 */
export async function walkPaths(root: string, visit: (full: string) => Promise<void>, skip: ReadonlySet<string> = new Set()): Promise<void> {
  await visit(root);
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
        await visit(full);
        if (entry.isDirectory()) await walkDir(full, relative);
      }),
    );
  };
  await walkDir(root, '');
}
