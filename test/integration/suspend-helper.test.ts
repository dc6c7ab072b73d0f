/**
 * The tests' suspendBetweenJournalWrites: against a process that holds the journal's write lock most of the time, it
 * still stops that process at a moment it holds none, and the test's write goes through then.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { suspendBetweenJournalWrites } from '../support/suspend.js';
import { tempDir } from '../support/temp.js';

it('stops a busy writer outside its write transactions, and writes then', async () => {
  const file = path.join(await tempDir(), 'journal.db');
  const setup = new Database(file);
  setup.pragma('journal_mode = WAL');
  setup.exec('CREATE TABLE beats (n INTEGER)');
  setup.close();
  // Holds the write lock about 90% of the time: 30 ms in each transaction, a few ms between them.
  const writer = `
    const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
    for (;;) {
      db.exec('BEGIN IMMEDIATE');
      db.prepare('INSERT INTO beats VALUES (1)').run();
      const until = Date.now() + 30; while (Date.now() < until);
      db.exec('COMMIT');
      const pause = Date.now() + 3; while (Date.now() < pause);
    }`;
  const child = spawn(process.execPath, ['-e', writer], { stdio: 'ignore' });
  const db = new Database(file);
  try {
    await new Promise((r) => setTimeout(r, 500));
    await suspendBetweenJournalWrites(child, db, () => db.prepare('INSERT INTO beats VALUES (2)').run());

    // Stopped and holding nothing: another write needs no wait at all.
    db.pragma('busy_timeout = 0');
    expect(() => db.prepare('INSERT INTO beats VALUES (3)').run()).not.toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM beats WHERE n > 1').get()).toEqual({ n: 2 });
  } finally {
    db.close();
    child.kill('SIGKILL');
  }
});
