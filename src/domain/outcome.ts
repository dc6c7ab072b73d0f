/**
 * The closed set of results a repository can end a run with. Stored in `tasks.outcome`; the report, the exit code
 * and `retry --failed` all read this vocabulary, so adding a member is a schema change.
 */
export const OUTCOMES = [
  /** A pull request was opened for the change. */
  'pr-opened',
  /** An existing pull request was updated (or already matched) for the change. */
  'pr-updated',
  /** The change was committed and the branch pushed; no pull request (generic git remote or publish: false). */
  'pushed',
  /** The change was computed and kept in the journal; nothing was pushed (--dry-run). */
  'dry-run',
  /** The transformation produced no diff. */
  'unchanged',
  /** No diff any more, and the pull request left from an earlier run was closed (close-stale). */
  'pr-closed',
  /** Steps ran but a verify command failed; the output is kept, nothing pushed. */
  'verify-failed',
  /** The branch carries commits that fleetmod did not make; it was left alone. */
  'edited-by-human',
  /** Not attempted: archived, skip: true, on-existing: skip, no permission… (see skip_reason). */
  'skipped',
  /** Something went wrong; error_class says whether it was transient or permanent. */
  'failed',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that mean the repository now carries (or would carry, in a dry run) the change. */
export const CHANGED_OUTCOMES: readonly Outcome[] = ['pr-opened', 'pr-updated', 'pushed', 'dry-run'];

/** Outcomes that make the run's exit code 1. */
export const FAILED_OUTCOMES: readonly Outcome[] = ['failed', 'verify-failed', 'edited-by-human'];

export type TaskStatus = 'pending' | 'running' | 'done';

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}
