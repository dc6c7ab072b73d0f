/**
 * Temporary folders named after the fleetmod process that made them (`<prefix><pid>-XXXXXX`), so a later fleetmod
 * can remove the ones a killed process left behind — and never those of a fleetmod still running. Left alone, a
 * crashed run's sandbox scratch folders pile up in /tmp, and a /tmp with hundreds of them makes every folder
 * created there slower (measured here: 1.4 ms instead of 0.1 ms per mkdtemp).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './process-alive.js';

export function makeOwnedTempDir(root: string, prefix: string): Promise<string> {
  return mkdtemp(path.join(root, `${prefix}${process.pid}-`));
}

/** Removes `root`'s folders with one of these prefixes whose process is gone; returns how many. Never throws. */
export async function removeLeftoverTempDirs(root: string, prefixes: readonly string[]): Promise<number> {
  const names = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (!prefix) continue;
    const pid = Number(/^(\d+)-[A-Za-z0-9]{6}$/.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    if (await rm(path.join(root, name), { recursive: true, force: true }).then(() => true, () => false)) removed += 1;
  }
  return removed;
}
