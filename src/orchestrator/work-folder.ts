/**
 * Where a fleetmod process makes its checkouts of a run: a folder of its own under the run's `work/`
 * (`process-<pid>-XXXXXX`, util/owned-temp.ts), not `work/` itself. Host git runs in a session of its own, so a
 * fleetmod killed with SIGKILL leaves its git running: a clone it had started goes on and would land in the checkout
 * of the same repository that the fleetmod resuming the run makes at the same path (a service manager restarts it
 * at once), failing that repository. In a folder of the killed process's own it lands nowhere that matters, and the
 * next fleetmod on the run removes that folder once its process is gone.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { makeOwnedTempDir, removeLeftoverTempDirs } from '../util/owned-temp.js';
import { spreadSubdirectories } from '../util/spread-subdirectories.js';

export const CHECKOUTS_PREFIX = 'process-';
/**
 * The folder of a process run with --keep-workdirs: its checkouts were asked for, and the log names where they are,
 * so no later fleetmod on the run removes it (the prefix is not CHECKOUTS_PREFIX).
 */
export const KEPT_CHECKOUTS_PREFIX = 'kept-process-';

/** Makes this process's checkout folder for the run in `runDir` (and removes those of dead processes). */
export async function makeWorkFolder(runDir: string, options: { keep: boolean }): Promise<string> {
  const work = path.join(runDir, 'work');
  await mkdir(work, { recursive: true });
  await removeLeftoverTempDirs(work, [CHECKOUTS_PREFIX]);
  const own = await makeOwnedTempDir(work, options.keep ? KEPT_CHECKOUTS_PREFIX : CHECKOUTS_PREFIX);
  // Each repository's checkout is made and removed in here: spread over the disk, new ones do not land among the
  // inodes of the ones just removed (spread-subdirectories.ts says why that matters). The flag is not inherited.
  await spreadSubdirectories(work);
  await spreadSubdirectories(own);
  return own;
}
