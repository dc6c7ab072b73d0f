/**
 * Ctrl-C in a real terminal signals the whole foreground process group: fleetmod, and every child it did not put
 * in a group of its own. The running repos must still finish (sandboxes and host git are shielded), nothing new
 * may start, the exit code is 130, and the run resumes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUILT_MAIN, ensureBuilt } from '../support/built-cli.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { branchSha } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';

function startedSteps(dbFile: string): number {
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      // Repos in their steps now, or past them: a stage's start is kept on its task (migrations/010).
      return (
        db
          .prepare(`SELECT COUNT(*) AS n FROM tasks t WHERE t.stage = 'steps'
            OR EXISTS (SELECT 1 FROM stage_events e WHERE e.task_id = t.id AND e.stage = 'steps')`)
          .get() as { n: number }
      ).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

describe('Ctrl-C from a terminal (SIGINT to the process group)', () => {
  it('lets the running repos finish, starts no new one, exits 130, and the run resumes', { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const fx = await jobFixture({ count: 5, concurrency: 2 });
    await fx.control('sleep 3');
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const dbFile = path.join(fx.root, '.fleetmod', 'fleetmod.db');
    // detached: the CLI leads its own process group, like a shell job; the test signals that whole group.
    const child = spawn(process.execPath, [BUILT_MAIN, 'run', '--grace', '1m', fx.job], { cwd: fx.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    while (startedSteps(dbFile) < 2) await new Promise((r) => setTimeout(r, 20));

    process.kill(-(child.pid as number), 'SIGINT');
    const code = await exited;

    expect(code, output).toBe(130);
    const db = new Database(dbFile, { readonly: true });
    const rows = db.prepare('SELECT status, outcome FROM tasks ORDER BY position').all() as { status: string; outcome: string | null }[];
    db.close();
    expect(rows.filter((r) => r.outcome === 'pushed'), JSON.stringify(rows) + output).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'pending')).toHaveLength(3);
    expect(rows.some((r) => r.outcome === 'failed')).toBe(false);

    // The step file stays as it was: `resume` refuses a run whose step files changed since it started.
    const resume = captureIo(fx.root);
    expect(await cli(resume, 'resume'), resume.err()).toBe(0);
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/fixture')).not.toBeNull();
  });
});
