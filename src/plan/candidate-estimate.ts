/**
 * What best of N costs in sandboxes and time, for every provider: each repo takes one sandbox per candidate, the
 * candidates share the run's sandbox limit, and with `sandbox.e2b.expected-duration` (the time of one sandbox) the
 * sandbox time and the shortest possible wall time follow. Pure.
 */
import type { Job } from '../manifest/job.js';
import { sandboxesAtOnce } from '../sandbox/shared/sandboxes-at-once.js';

/** Sandboxes per repository when the job tries several candidates. */
export interface PlanCandidates {
  perRepo: number;
  names: string[];
  select: Job['select'];
  /** Sandboxes for the repositories that run (repositories × candidates). */
  sandboxes: number;
  /** Sandboxes alive at most at once: limits.sandboxes (default: the concurrency), at most concurrency × candidates. */
  atOnce: number;
  /** The limits that bound `atOnce`. */
  limits: { sandboxes: number; concurrency: number };
  /** From sandbox.e2b.expected-duration (capped by sandbox.timeout); absent when the manifest does not say. */
  expected?: {
    perSandboxMs: number;
    /** Sandbox time of one repository: candidates × the time of one sandbox. */
    perRepoMs: number;
    totalMs: number;
    /** No run can be shorter: the candidates' sandboxes in waves of `atOnce`. */
    minWallClockMs: number;
  };
}

export function planCandidates(job: Pick<Job, 'candidates' | 'select' | 'sandbox' | 'limits'>, repos: number): PlanCandidates {
  const perRepo = Math.max(1, job.candidates.length);
  const sandboxes = repos * perRepo;
  const atOnce = sandboxesAtOnce(job.limits, perRepo);
  const configured = job.sandbox.e2b.expectedDurationMs;
  const perSandboxMs = configured === undefined ? undefined : Math.min(configured, job.sandbox.timeoutMs);
  return {
    perRepo,
    names: job.candidates.map((c) => c.name),
    select: job.select,
    sandboxes,
    atOnce,
    limits: { sandboxes: job.limits.sandboxes ?? job.limits.concurrency, concurrency: job.limits.concurrency },
    ...(perSandboxMs !== undefined && {
      expected: {
        perSandboxMs,
        perRepoMs: perRepo * perSandboxMs,
        totalMs: sandboxes * perSandboxMs,
        minWallClockMs: Math.ceil(sandboxes / atOnce) * perSandboxMs,
      },
    }),
  };
}
