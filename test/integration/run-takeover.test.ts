/**
 * A run is taken over when its heartbeat is stale (run-claim.ts). A process whose heartbeat went stale is not
 * always dead: suspended with Ctrl-Z, frozen, or behind a clock that jumped. When it comes back it must not go on
 * with the run the other process now owns — running its repositories a second time, and writing its own outcomes
 * (a failure, when the new owner removed its checkout) over the new owner's.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { startSleepingRun } from '../support/sleeping-run.js';
import { suspendBetweenJournalWrites } from '../support/suspend.js';

function journal(root: string): Database.Database {
  return new Database(path.join(root, '.fleetmod', 'fleetmod.db'));
}

describe('a run taken over from a process that was only suspended', () => {
  it('the suspended process stops once it runs again: it neither repeats nor overwrites what the new owner did', { timeout: 120_000 }, async () => {
    const { fx, first, env } = await startSleepingRun({ count: 3, sleepSeconds: '3' });
    // Ctrl-Z while its step runs (not in the middle of a journal commit), and long enough for its heartbeat to go
    // stale (aged here instead of waited for).
    await new Promise((r) => setTimeout(r, 500));
    const db = journal(fx.root);
    await suspendBetweenJournalWrites(first.child, db, () => db.prepare('UPDATE runs SET heartbeat_at = heartbeat_at - 60000').run());

    const second = captureIo(fx.root, env('0'));
    expect(await cli(second, 'resume'), second.err()).toBe(0);
    first.child.kill('SIGCONT');
    const ended = await first.exited;

    const tasks = db.prepare('SELECT status, outcome, COUNT(*) AS n FROM tasks GROUP BY status, outcome').all();
    const [run] = db.prepare('SELECT status, owner_pid FROM runs').all();
    db.close();
    expect(tasks).toEqual([{ status: 'done', outcome: 'pushed', n: 3 }]);
    expect(run).toEqual({ status: 'finished', owner_pid: null });
    expect(ended.code, first.output()).toBe(3);
    expect(first.output()).toContain('was taken over by another process (the run is finished now)');
  });
});
