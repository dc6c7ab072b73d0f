import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/domain/outcome.js';
import { createFailureBrake, type FailureBrakeRules } from '../../../src/orchestrator/failure-brake.js';

/** The reasons the brake gives, finished repository by finished repository (null: go on). */
function feed(rules: FailureBrakeRules, pending: number, outcomes: Outcome[]): (string | null)[] {
  const brake = createFailureBrake(rules, pending);
  return outcomes.map((o) => brake.record(o));
}

describe('the failure brake', () => {
  it('pauses at the canary\'s first failure, and never for a failure after the canary without max-failures', () => {
    expect(createFailureBrake({ canary: 3, earlier: { done: 0, failed: false } }, 10).canarySize).toBe(3);
    expect(feed({ canary: 3, earlier: { done: 0, failed: false } }, 10, ['pr-opened', 'failed'])).toEqual([null, 'the canary failed: a repository of the first 3 failed']);
    expect(feed({ canary: 3, earlier: { done: 0, failed: false } }, 10, ['pr-opened', 'unchanged', 'skipped', 'failed', 'verify-failed'])).toEqual([null, null, null, null, null]);
  });

  it('counts the transformation\'s failures only: failed and verify-failed, not a human\'s commits or a skip', () => {
    expect(feed({ canary: 2, earlier: { done: 0, failed: false } }, 5, ['edited-by-human', 'skipped'])).toEqual([null, null]);
    expect(feed({ maxFailures: 2, earlier: { done: 0, failed: false } }, 9, ['failed', 'edited-by-human', 'pr-opened', 'verify-failed', 'failed'])).toEqual([
      null,
      null,
      null,
      'limits.max-failures reached: 2 repositories failed',
      null,
    ]);
  });

  it('with both: the canary still pauses at its first failure, and max-failures counts the canary\'s failures too', () => {
    expect(feed({ canary: 4, maxFailures: 5, earlier: { done: 0, failed: false } }, 10, ['pr-opened', 'verify-failed'])).toEqual([null, 'the canary failed: a repository of the first 4 failed']);
    expect(feed({ canary: 2, maxFailures: 1, earlier: { done: 0, failed: false } }, 10, ['failed'])).toEqual(['limits.max-failures reached: 1 repository failed']);
    // A canary that passed (a resume after a look goes on without one): max-failures alone.
    expect(feed({ canary: 2, maxFailures: 2, earlier: { done: 0, failed: false } }, 10, ['pr-opened', 'pr-opened', 'failed', 'pr-opened', 'failed'])).toEqual([
      null,
      null,
      null,
      null,
      'limits.max-failures reached: 2 repositories failed',
    ]);
  });

  it('runs no canary for a run with finished repositories (resumed or retried), and none larger than what is pending', () => {
    expect(createFailureBrake({ canary: 3, earlier: { done: 3, failed: false } }, 10).canarySize).toBe(0);
    expect(feed({ canary: 3, earlier: { done: 3, failed: false } }, 10, ['failed', 'failed'])).toEqual([null, null]);
    // Paused by its canary: judged, resume goes on without one.
    expect(createFailureBrake({ canary: 3, earlier: { done: 2, failed: true } }, 10).canarySize).toBe(0);
    expect(createFailureBrake({ canary: 30, earlier: { done: 0, failed: false } }, 10).canarySize).toBe(10);
    expect(createFailureBrake({ earlier: { done: 0, failed: false } }, 10).canarySize).toBe(0);
  });

  it('counts failures anew in a run that goes on, and says so: its report counts the earlier ones too', () => {
    expect(feed({ maxFailures: 2, earlier: { done: 5, failed: true } }, 10, ['failed', 'failed'])).toEqual([
      null,
      'limits.max-failures reached: 2 repositories failed since the run went on',
    ]);
  });

  it('runs the rest of a canary that a stop cut short (none of it failed), pausing at its first failure', () => {
    expect(createFailureBrake({ canary: 3, earlier: { done: 1, failed: false } }, 10).canarySize).toBe(2);
    expect(feed({ canary: 3, earlier: { done: 2, failed: false } }, 10, ['failed'])).toEqual(['the canary failed: a repository of the first 3 failed']);
  });
});
