/**
 * Disk use of a checkout as `du` counts it (allocated blocks, each hard-linked inode once), without `.git`:
 * sandboxed code cannot write there, and a big history must not count against the job's `sandbox.disk`.
 */
import { walkTree } from '../../util/tree-walk.js';

/** A walk that failed because a path is too long to name: only a step makes one, and it counts as over any limit. */
export function unmeasurable(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENAMETOOLONG';
}

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
      bytes += stats.blocks * 512;
    },
    { skip: new Set(['.git']) },
  );
  return bytes;
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
    // A path too long to name cannot be measured, and only a step makes one: it counts as over the limit. Anything
    // else (an entry removed while it was walked) is measured again next time.
    const bytes = await diskUsage(root).catch((err: NodeJS.ErrnoException) => (unmeasurable(err) ? Number.POSITIVE_INFINITY : 0));
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
