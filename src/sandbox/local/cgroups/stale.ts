/**
 * Names of per-sandbox cgroups carry the pid of the fleetmod process that made them, so a later fleetmod can
 * remove the empty ones a crashed process left behind without touching those of a fleetmod still running.
 */
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupSupport } from './detect.js';
import { processAlive } from '../../../util/process-alive.js';

export function cgroupName(sandboxId: string, pid: number = process.pid): string {
  return `fleetmod-${pid}-${sandboxId}`;
}

/** Removes sandbox cgroups whose fleetmod process is gone; returns how many. Never throws. */
export async function removeStaleCgroups(support: CgroupSupport): Promise<number> {
  let removed = 0;
  for (const parent of new Set(Object.values(support.parents))) {
    const names = await readdir(parent).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(/^fleetmod-(\d+)-local-[0-9a-f]{8}$/.exec(name)?.[1]);
      if (!pid || processAlive(pid)) continue;
      // rmdir only succeeds on a cgroup without processes, so a live sandbox can never lose its cgroup here.
      if (await rmdir(path.join(parent, name)).then(() => true, () => false)) removed += 1;
    }
  }
  return removed;
}
