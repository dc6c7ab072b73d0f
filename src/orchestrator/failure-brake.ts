/**
 * Stops a run from spreading a broken transformation over the whole fleet: `limits.canary` runs the first N
 * repositories of a new run before any other starts, and the rest start only if none of them failed;
 * `limits.max-failures` pauses the run once that many repositories have failed, canary included. A pause is the
 * time window's pause: running repositories finish, the rest stay pending, and `fleetmod resume` continues once
 * someone has looked. What counts is the transformation failing — `failed` and `verify-failed` —, not a human's
 * commits on the branch (`edited-by-human`) or a skip.
 *
 * Counted per invocation: a `resume` after a pause starts from zero (someone decided to go on), and runs no canary
 * when the run has finished repositories already (the canary was judged by then).
 */
import type { Outcome } from '../domain/outcome.js';

const TRANSFORMATION_FAILURES: readonly Outcome[] = ['failed', 'verify-failed'];

export interface FailureBrakeRules {
  /** Repositories that run before any other (limits.canary). */
  canary?: number;
  /** Failures that pause the run (limits.max-failures). */
  maxFailures?: number;
  /** Whether the run has finished repositories already (a resumed or retried run): then no canary. */
  resumed: boolean;
}

export interface FailureBrake {
  /** How many of the pending repositories run first, alone (the rest start once they all finished): 0 for none. */
  readonly canarySize: number;
  /** Counts one finished repository; returns why the run pauses when this one makes it pause. */
  record(outcome: Outcome): string | null;
}

export function createFailureBrake(rules: FailureBrakeRules, pending: number): FailureBrake {
  const canarySize = rules.resumed || rules.canary === undefined ? 0 : Math.min(rules.canary, pending);
  let finished = 0;
  let failures = 0;
  return {
    canarySize,
    record(outcome) {
      finished += 1;
      if (!TRANSFORMATION_FAILURES.includes(outcome)) return null;
      failures += 1;
      if (failures === rules.maxFailures) {
        return `${failures} ${failures === 1 ? 'repository' : 'repositories'} failed (limits.max-failures: ${rules.maxFailures})`;
      }
      // Any failure in the canary stops the run: it is there to catch a transformation that is wrong before it
      // reaches the fleet. Its repositories are the first to finish: no other starts before they all have.
      if (finished <= canarySize && failures === 1) {
        return `the canary failed: a repository of the first ${canarySize} failed`;
      }
      return null;
    },
  };
}
