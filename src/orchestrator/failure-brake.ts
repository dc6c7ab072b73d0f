/**
 * Stops a run from spreading a broken transformation over the whole fleet: `limits.canary` runs the first N
 * repositories of a new run before any other starts, and the rest start only if none of them failed;
 * `limits.max-failures` pauses the run once that many repositories have failed, canary included. A pause is the
 * time window's pause: running repositories finish, the rest stay pending, and `fleetmod resume` continues once
 * someone has looked. What counts is the transformation failing — `failed` and `verify-failed` —, not a human's
 * commits on the branch (`edited-by-human`) or a skip.
 *
 * Counted per invocation: a `resume` after a pause starts from zero (someone decided to go on). The canary is over
 * once the run has finished N repositories or one of them failed (it was judged then); a run stopped before that —
 * Ctrl-C, a closing window, a deadline, a crash — runs the rest of its canary first when it goes on, or the fleet
 * would get a transformation nobody has seen work.
 */
import type { Outcome } from '../domain/outcome.js';

export const TRANSFORMATION_FAILURES: readonly Outcome[] = ['failed', 'verify-failed'];

export interface FailureBrakeRules {
  /** Repositories that run before any other (limits.canary). */
  canary?: number;
  /** Failures that pause the run (limits.max-failures). */
  maxFailures?: number;
  /**
   * What the run finished before this invocation (a resumed or retried run): how many repositories, and whether one
   * of them failed the transformation (the canary was judged then: no canary).
   */
  earlier: { done: number; failed: boolean };
}

export interface FailureBrake {
  /** How many of the pending repositories run first, alone (the rest start once they all finished): 0 for none. */
  readonly canarySize: number;
  /** Counts one finished repository; returns why the run pauses when this one makes it pause. */
  record(outcome: Outcome): string | null;
}

export function createFailureBrake(rules: FailureBrakeRules, pending: number): FailureBrake {
  const canarySize =
    rules.canary === undefined || rules.earlier.failed ? 0 : Math.max(0, Math.min(rules.canary - rules.earlier.done, pending));
  let finished = 0;
  let failures = 0;
  return {
    canarySize,
    record(outcome) {
      finished += 1;
      if (!TRANSFORMATION_FAILURES.includes(outcome)) return null;
      failures += 1;
      if (failures === rules.maxFailures) {
        // Counted since this invocation began: after a resume the run's report counts more failures than this.
        const since = rules.earlier.done > 0 ? ' since the run went on' : '';
        return `limits.max-failures reached: ${failures} ${failures === 1 ? 'repository' : 'repositories'} failed${since}`;
      }
      // Any failure in the canary stops the run: it is there to catch a transformation that is wrong before it
      // reaches the fleet. Its repositories are the first to finish: no other starts before they all have.
      if (finished <= canarySize && failures === 1) {
        return `the canary failed: a repository of the first ${rules.canary} failed`;
      }
      return null;
    },
  };
}
