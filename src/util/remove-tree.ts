/**
 * rm -rf for the trees fleetmod makes and throws away by the hundred (checkouts): one readdir per directory, one
 * unlink per file and one rmdir per directory, synchronous and in time slices (tree-walk.ts). Node's `fs.rm` does
 * an lstat per entry too, each call through the thread pool: removing 100 checkouts of the benchmark's fleet, four at
 * a time, took 830–900 ms of CPU that way and 510–560 ms this way. Links are removed, never followed.
 *
 * Anything the fast path cannot do (a directory it may not read, an entry that changed under it) is left to
 * `fs.rm`, which finishes the job or reports why it cannot — and what `fs.rm` cannot reach either, a tree deeper
 * than a path can name (a sandboxed step can make one, and what is in it was never scrubbed), to coreutils' `rm`,
 * which walks folder by folder at any depth.
 */
import { execFile } from 'node:child_process';
import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TimeSlices } from './time-slices.js';
import { SLICE_MS, walkPaths } from './tree-walk.js';

/** Removes `dir` and everything below it; nothing there is not an error. */
export async function removeTree(dir: string): Promise<void> {
  // No error object (with its stack) for the usual case of nothing there.
  const stats = lstatSync(dir, { throwIfNoEntry: false });
  if (stats === undefined) return;
  if (!stats.isDirectory()) return rm(dir, { force: true });
  try {
    await removeFast(dir);
  } catch {
    await rm(dir, { recursive: true, force: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENAMETOOLONG') throw err;
      return removeDeep(dir);
    });
  }
}

/**
 * `chmod -R u+rwx` first, so folders a step made unreadable can be entered (neither follows links), then
 * `rm -rf --one-file-system`.
 */
async function removeDeep(dir: string): Promise<void> {
  const run = promisify(execFile);
  const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
  // What chmod cannot change, rm reports.
  await run('chmod', ['-R', 'u+rwx', '--', dir], { env }).catch(() => undefined);
  await run('rm', ['-rf', '--one-file-system', '--', dir], { env });
}

async function removeFast(dir: string): Promise<void> {
  // Pre-order: each directory comes after its parent, so removing them back to front empties children first.
  const directories: string[] = [];
  await walkPaths(dir, (full, isDirectory) => {
    if (isDirectory) directories.push(full);
    else unlinkSync(full);
  });
  const slices = new TimeSlices(SLICE_MS);
  for (let i = directories.length - 1; i >= 0; i -= 1) {
    if (slices.due()) await slices.next();
    rmdirSync(directories[i]!);
  }
}
