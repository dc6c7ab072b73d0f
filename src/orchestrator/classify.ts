/** The single place that turns an error from a task into the journal's vocabulary. */
import { FleetmodError, errorMessage, type ErrorClass } from '../domain/errors.js';

export interface Classified {
  errorClass: ErrorClass;
  message: string;
}

export function classifyError(err: unknown): Classified {
  if (err instanceof FleetmodError) return { errorClass: err.errorClass, message: err.message };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ENOTFOUND', 'EMFILE', 'ENFILE'].includes(code)) {
    return { errorClass: 'transient', message: errorMessage(err) };
  }
  // Unknown errors are bugs or surprises: retrying them blindly hides them, so they count as permanent.
  return { errorClass: 'permanent', message: `unexpected error: ${errorMessage(err)}` };
}

/** Exponential backoff with full jitter: attempt 1 → up to base, attempt 2 → up to 2×base, … capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
