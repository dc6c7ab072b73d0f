/**
 * The host's safety floor for disk space: whatever a job's `sandbox.disk` says (or does not say), a sandbox is
 * stopped when the filesystem holding its workspace runs low, so one runaway transformation cannot fill the
 * machine that runs the batch. One statfs call per check: cheap enough to watch every command.
 */
import { statfs } from 'node:fs/promises';

/** Free space that must stay on the workspace's filesystem: the smaller of 1 GiB and 5% of it. */
export function defaultFloorBytes(totalBytes: number): number {
  return Math.min(2 ** 30, Math.floor(totalBytes * 0.05));
}

export interface FreeSpace {
  freeBytes: number;
  totalBytes: number;
}

export async function freeSpace(dir: string): Promise<FreeSpace> {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** The reason to stop a sandbox when free space is under the floor, or null when there is room. */
export async function lowSpace(dir: string, floorBytes: number | undefined): Promise<string | null> {
  const space = await freeSpace(dir).catch(() => null);
  if (!space) return null;
  const floor = floorBytes ?? defaultFloorBytes(space.totalBytes);
  if (space.freeBytes >= floor) return null;
  return `host disk nearly full: ${formatMiB(space.freeBytes)} left on the filesystem of the workspace, under the safety floor of ${formatMiB(floor)}`;
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
