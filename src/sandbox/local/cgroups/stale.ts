/**
 * Names of per-sandbox cgroups carry the pid of the fleetmod process that made them, so a later fleetmod can
 * remove what a killed process left behind without touching the cgroups of a fleetmod still running. A killed
 * fleetmod can leave more than the folder: a sandbox it started in the moment before bubblewrap armed
 * --die-with-parent (launcher.ts) runs on with nobody to stop it. Every process of a sandbox is in its
 * cgroup from before bwrap starts (launcher.ts), so the processes in a dead fleetmod's cgroup are exactly those
 * orphans: they are killed, then the cgroup is removed.
 */
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupSupport } from './detect.js';
import { killCgroupProcesses } from './sandbox-cgroup.js';
import { processAlive } from '../../../util/process-alive.js';

export function cgroupName(sandboxId: string, pid: number = process.pid): string {
  return `fleetmod-${pid}-${sandboxId}`;
}

/** How long the processes of a stale cgroup get to be reaped after SIGKILL before the cgroup is left for next time. */
const REAP_MS = 1_000;

/** Removes sandbox cgroups whose fleetmod process is gone, killing what still runs in them; returns how many. Never throws. */
export async function removeStaleCgroups(support: CgroupSupport): Promise<number> {
  let removed = 0;
  for (const parent of new Set(Object.values(support.parents))) {
    const names = await readdir(parent).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(/^fleetmod-(\d+)-local-[0-9a-f]{8}$/.exec(name)?.[1]);
      if (!pid || processAlive(pid)) continue;
      if (await removeOrphaned(support, path.join(parent, name))) removed += 1;
    }
  }
  return removed;
}

/** rmdir succeeds only on a cgroup without processes: until it does, whatever is left in it is killed. */
async function removeOrphaned(support: CgroupSupport, dir: string): Promise<boolean> {
  for (let waited = 0; ; waited += 25) {
    const done = await rmdir(dir).then(
      () => true,
      (err: NodeJS.ErrnoException) => (err.code === 'EBUSY' ? undefined : false),
    );
    if (done !== undefined) return done;
    if (waited >= REAP_MS) return false;
    await killCgroupProcesses(support, dir);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
