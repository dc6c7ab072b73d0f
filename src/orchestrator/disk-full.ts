/**
 * Whether an error from a task means the machine ran out of disk (or quota) rather than that the repository is at
 * fault: every repository after it would fail the same way within milliseconds, so the run stops instead.
 */
import { GitFailed, HostDiskLow, StepFailed, VerifyFailed } from '../domain/errors.js';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** What host git prints when a write fails for lack of room (its stderr is all we have of the errno). */
const GIT_DISK_FULL = /no space left on device|disk quota exceeded/i;

export async function isDiskFull(err: unknown): Promise<boolean> {
  // The sandbox stopped a step or check because the host's disk ran under its safety floor. Looked at again now
  // that the workspace is gone: if there is room, that step filled the disk, and its repository fails alone.
  if (err instanceof HostDiskLow) return err.stillLow();
  // A step or a check runs inside the sandbox with a disk limit of its own: its running out is the repo's result.
  if (err instanceof StepFailed || err instanceof VerifyFailed) return false;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    if (e instanceof GitFailed && GIT_DISK_FULL.test(ownLines(e.message))) return true;
  }
  return false;
}

/**
 * Git's message without what the server said (its `remote: …` lines): a server whose own disk is full, or a hook that
 * says so, refuses that one repository's push; it says nothing about this machine's disk.
 */
function ownLines(message: string): string {
  // A `remote:` line may follow fleetmod's own prefix on the first line ("git push failed: …: remote: …").
  return message.replace(/remote:[^\n]*/gi, '');
}
