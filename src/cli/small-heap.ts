/**
 * A run keeps little alive (about 30 MB for 10,000 repos) but allocates a little for every repo, and V8's default
 * heap growth, sized for throughput, lets that garbage pile up to hundreds of MB before a full collection. With
 * `--optimize-for-size` V8 collects sooner. Measured on the orchestration benchmark (10,000 repos): peak RSS
 * 220 → 140 MB, time unchanged. Set by the commands that execute runs, before the first repo starts.
 */
import v8 from 'node:v8';

export function preferSmallHeap(): void {
  v8.setFlagsFromString('--optimize-for-size');
}
