/**
 * The host's safety floor for disk space: whatever a job's `sandbox.disk` says (or does not say), a sandbox is
 * stopped when the filesystem holding its workspace runs low, so one runaway transformation cannot fill the
 * machine that runs the batch. Free inodes count as well as free bytes: empty files take no blocks, so a step
 * making millions of them uses up a filesystem's inodes — and every file creation on the host with them — while
 * neither the byte floor nor `sandbox.disk` sees much used. One statfs call per check: cheap enough to watch every
 * command.
 */
import { statfs } from 'node:fs/promises';

/** Free space that must stay on the workspace's filesystem: the smaller of 1 GiB and 5% of it. */
export function defaultFloorBytes(totalBytes: number): number {
  return Math.min(2 ** 30, Math.floor(totalBytes * 0.05));
}

/** Free inodes that must stay: the smaller of 100,000 and 5% of them. */
export function defaultFloorInodes(totalInodes: number): number {
  return Math.min(100_000, Math.floor(totalInodes * 0.05));
}

export interface FreeSpace {
  freeBytes: number;
  totalBytes: number;
  /** Inodes left to ordinary users, and in all; both 0 on a filesystem without a fixed number (btrfs). */
  freeInodes: number;
  totalInodes: number;
}

export async function freeSpace(dir: string): Promise<FreeSpace> {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize, freeInodes: s.ffree, totalInodes: s.files };
}

/** The reason to stop a sandbox when free space is under the floor, or null when there is room. */
export async function lowSpace(dir: string, floorBytes: number | undefined): Promise<string | null> {
  const space = await freeSpace(dir).catch(() => null);
  if (!space) return null;
  const floor = floorBytes ?? defaultFloorBytes(space.totalBytes);
  if (space.freeBytes < floor) {
    return `host disk nearly full: ${formatMiB(space.freeBytes)} left on the filesystem of the workspace, under the safety floor of ${formatMiB(floor)}`;
  }
  const inodeFloor = defaultFloorInodes(space.totalInodes);
  if (space.totalInodes > 0 && space.freeInodes < inodeFloor) {
    return `host disk nearly full: ${space.freeInodes} inode${space.freeInodes === 1 ? '' : 's'} left on the filesystem of the workspace, under the safety floor of ${inodeFloor}`;
  }
  return null;
}

/** Checks every `intervalMs` while a command runs; calls `onLow` once. Returns the function that stops it. */
export function watchFreeSpace(dir: string, floorBytes: number | undefined, onLow: (reason: string) => void, intervalMs = 500): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const reason = await lowSpace(dir, floorBytes);
    if (stopped) return;
    if (reason) {
      stopped = true;
      onLow(reason);
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  timer = setTimeout(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}
