/**
 * A pause between the harness's own file work (removing the previous sample's folders, copying a fresh fleet) and
 * the next timed sample. On a filesystem like this machine's root — ext4 without a journal — allocating an inode
 * skips every inode deleted in the last 5–10 seconds, reading the inode table for each, so for those seconds every
 * file created costs up to a millisecond instead of microseconds. Without the pause, the harness's cleanup would
 * slow whichever contender it happens to precede (the baseline's 200 clones are removed right before fleetmod's
 * next run, for one), which is noise in the ratio and not the contender's own work.
 *
 * The pause alone was not enough: the baseline's clones, made in a folder of the same name as the previous
 * sample's just removed, still drifted from 9.6 to 14.9 and 17.1 s over three samples, and took 9.4–10.1 s when
 * its folder carried ext4's top-of-hierarchy flag (alternating, 3 pairs). So each contender's folder and the
 * server's copies of the fleet carry that flag too (src/util/spread-subdirectories.ts, which fleetmod sets on its
 * own work folder and clone cache): new folders go wherever the kernel chooses, not beside the removed ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Longer than the 10 s the kernel treats a deletion as recent. */
export const SETTLE_MS = 12_000;

export function settleFileSystem(): Promise<void> {
  return sleep(SETTLE_MS);
}
