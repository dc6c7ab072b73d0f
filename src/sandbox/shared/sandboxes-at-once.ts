/**
 * How many sandboxes a job has alive at most at once: the sandbox limit (`limits.sandboxes`, by default the
 * concurrency, as the run wires its sandbox limiter), but never more than the repos at once times their candidates,
 * since each repo in flight holds at most one sandbox per candidate. Plan estimates for every provider use it.
 */
import type { LimitsSpec } from '../../manifest/job.js';

export function sandboxesAtOnce(limits: Pick<LimitsSpec, 'sandboxes' | 'concurrency'>, candidates = 1): number {
  return Math.max(1, Math.min(limits.sandboxes ?? limits.concurrency, limits.concurrency * Math.max(1, candidates)));
}
