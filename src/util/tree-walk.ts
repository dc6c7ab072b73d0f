/**
 * Walks a directory tree on the host without ever following a symbolic link: only real directories are descended
 * into. `walkTree` gives the visitor each entry's own metadata (`lstat`); `walkPaths` only its path, for work that
 * needs none (lending a checkout: one lchown each; removing one), and saves the lstat per entry. Used between commands (no
 * sandboxed process alive), so what they see cannot change under them — except the disk-use watcher's walks, for
 * which an entry that vanished meanwhile is simply not there.
 *
 * The walk and its visitors make synchronous calls, in slices of at most SLICE_MS with the event loop free in
 * between: a system call through libuv's thread pool costs tens of microseconds of hand-over for the few it
 * does, which made lending and taking back a 50-file checkout take 2–4 ms instead of 1–1.5, on every sandbox
 * command. A large checkout is many slices, so nothing else waits on it for more than one.
 */
import { lstatSync, readdirSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { TimeSlices } from './time-slices.js';

/** How long a walk holds the event loop at most before it lets other work run (plus one system call). */
export const SLICE_MS = 2;

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

/** Visits every entry below `root`; the visitor may change the entry (but not remove dirs). */
export async function walkTree(root: string, visit: (entry: WalkEntry) => void, options: WalkOptions = {}): Promise<void> {
  if (options.includeRoot) visit({ path: root, relative: '', stats: lstatSync(root) });
  await walkBelow(root, options.skip, (full, relative) => {
    let stats: Stats;
    try {
      stats = lstatSync(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    visit({ path: full, relative, stats });
    return stats.isDirectory();
  });
}

/**
 * Visits `root` (a directory) and every path below it by name and type only (what readdir reports): `isDirectory`
 * is false for a link to a directory, which is not descended into.
 */
export async function walkPaths(root: string, visit: (full: string, isDirectory: boolean) => void, skip?: ReadonlySet<string>): Promise<void> {
  visit(root, true);
  await walkBelow(root, skip, (full, _relative, entry) => {
    const isDirectory = entry.isDirectory();
    visit(full, isDirectory);
    return isDirectory;
  });
}

/** The walk itself, depth first; `visit` says whether to descend into an entry. */
async function walkBelow(
  root: string,
  skip: ReadonlySet<string> = new Set(),
  visit: (full: string, relative: string, entry: Dirent) => boolean,
): Promise<void> {
  const pending: { dir: string; relative: string }[] = [{ dir: root, relative: '' }];
  const slices = new TimeSlices(SLICE_MS);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (slices.due()) await slices.next();
    let entries: Dirent[];
    try {
      entries = readdirSync(next.dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of entries) {
      const relative = next.relative ? `${next.relative}/${entry.name}` : entry.name;
      if (skip.has(relative)) continue;
      const full = path.join(next.dir, entry.name);
      if (visit(full, relative, entry)) pending.push({ dir: full, relative });
      if (slices.due()) await slices.next();
    }
  }
}
