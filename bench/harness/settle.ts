/**
 * A pause between the harness's own file work (removing the previous sample's folders, copying a fresh fleet) and
 * the next timed sample. On a filesystem like this machine's root — ext4 without a journal — allocating an inode
 * skips every inode deleted in the last 5–10 seconds, reading the inode table for each, so for those seconds every
 * file created costs up to a millisecond instead of microseconds. Without the pause, the harness's cleanup would
 * slow whichever contender it happens to precede (the baseline's 200 clones are removed right before fleetmod's
 * next run, for one), which is noise in the ratio and not the contender's own work.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Longer than the 10 s the kernel treats a deletion as recent. */
export const SETTLE_MS = 12_000;

export function settleFileSystem(): Promise<void> {
  return sleep(SETTLE_MS);
}
