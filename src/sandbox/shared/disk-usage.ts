/**
 * Disk use of a checkout as `du` counts it (allocated blocks, each hard-linked inode once), without `.git`:
 * sandboxed code cannot write there, and a big history must not count against the job's `sandbox.disk`. A file
 * counts at least at its length, though: a sparse one (`truncate -s 16G`) takes no blocks, but host git reads
 * every byte of it to take the diff — and holds the whole file in memory to write its binary patch.
 */
import { walkTree } from '../../util/tree-walk.js';

export async function diskUsage(root: string): Promise<number> {
  const seen = new Set<string>();
  let bytes = 0;
  await walkTree(
    root,
    ({ stats }) => {
      if (stats.nlink > 1 && !stats.isDirectory()) {
        const key = `${stats.dev}:${stats.ino}`;
        if (seen.has(key)) return;
        seen.add(key);
      }
      bytes += stats.isFile() ? Math.max(stats.blocks * 512, stats.size) : stats.blocks * 512;
    },
    { skip: new Set(['.git']) },
  );
  return bytes;
}

/**
 * diskUsage measured against a limit: a tree deeper than a path can name cannot be walked, and only a step makes
 * one, so it counts as larger than any limit.
 */
export async function diskUsageForLimit(root: string): Promise<number> {
  return diskUsage(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENAMETOOLONG') return Number.POSITIVE_INFINITY;
    throw err;
  });
}

/**
 * Watches a checkout while a command runs and calls `onExceeded` once when it grows past `limitBytes`. Polls with a
 * pause of ten times the last walk's duration (at least `minIntervalMs`), so a large checkout costs a small share
 * of one core. Returns the function that stops watching.
 */
export function watchDiskUsage(root: string, limitBytes: number, onExceeded: (bytes: number) => void, minIntervalMs = 500): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const started = performance.now();
    // A failed walk (an entry removed while it was walked) is measured again next time.
    const bytes = await diskUsageForLimit(root).catch(() => 0);
    if (stopped) return;
    if (bytes > limitBytes) {
      stopped = true;
      onExceeded(bytes);
      return;
    }
    timer = setTimeout(() => void tick(), Math.max(minIntervalMs, 10 * (performance.now() - started)));
  };
  timer = setTimeout(() => void tick(), minIntervalMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
