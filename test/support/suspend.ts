/**
 * Suspending a fleetmod process (SIGSTOP) to play one frozen by the machine, and writing to its journal meanwhile.
 * A process stopped in the middle of a journal write holds SQLite's write lock until it runs again, so the test's
 * write would wait and then fail with "database is locked" (a CI run under the suite's load met this).
 */
import type { ChildProcess } from 'node:child_process';
import type Database from 'better-sqlite3';

/** Stops `child` at a moment it holds no write lock, and makes `write` then; `write` runs in one attempt that succeeds. */
export async function suspendBetweenJournalWrites(child: ChildProcess, db: Database.Database, write: () => void): Promise<void> {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    for (;;) {
      child.kill('SIGSTOP');
      try {
        db.transaction(write).immediate();
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        // Stopped mid-write: let it finish that write, and stop it again.
        child.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
