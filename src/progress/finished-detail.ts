/**
 * What a progress line says after a finished repository's name: why, when it failed or was skipped; the pull
 * request, or the branch that now carries the change. An unchanged repository names no branch: nothing was pushed.
 */
import { CHANGED_OUTCOMES, FAILED_OUTCOMES } from '../domain/outcome.js';
import type { TaskFinishedEvent } from './types.js';

export function finishedDetail(e: TaskFinishedEvent): string {
  if (FAILED_OUTCOMES.includes(e.outcome) || e.outcome === 'skipped') return e.message ?? '';
  return e.prUrl ?? (CHANGED_OUTCOMES.includes(e.outcome) ? e.branch : undefined) ?? '';
}
