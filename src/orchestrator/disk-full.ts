/**
 * Whether an error from a task means the machine ran out of disk (or quota) rather than that the repository is at
 * fault: every repository after it would fail the same way within milliseconds, so the run stops instead.
 */
import { GitFailed, StepFailed, VerifyFailed } from '../domain/errors.js';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** What host git prints when a write fails for lack of room (its stderr is all we have of the errno). */
const GIT_DISK_FULL = /no space left on device|disk quota exceeded/i;

export function isDiskFull(err: unknown): boolean {
  // A step or a check runs inside the sandbox with a disk limit of its own: its running out is the repo's result.
  if (err instanceof StepFailed || err instanceof VerifyFailed) return false;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    if (e instanceof GitFailed && GIT_DISK_FULL.test(e.message)) return true;
  }
  return false;
}
