import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../support/cli.js';
import { git } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';

const exec = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../dist/cli/main.js');

function stageEventCount(dbFile: string): number {
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM stage_events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Starts the built CLI and SIGKILLs it once the journal holds `killAfter` more stage events (or it exits). */
async function runAndKill(cwd: string, args: string[], env: NodeJS.ProcessEnv, dbFile: string, killAfter: number): Promise<'killed' | number> {
  const before = stageEventCount(dbFile);
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: 'ignore' });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  for (;;) {
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 15))]);
    if (done !== null) return done;
    if (stageEventCount(dbFile) - before >= killAfter) {
      child.kill('SIGKILL');
      await exited;
      return 'killed';
    }
  }
}

async function leftoverProcesses(root: string): Promise<string[]> {
  const { stdout } = await exec('ps', ['-eo', 'pid,args']);
  return stdout.split('\n').filter((line) => line.includes(root) && !line.includes('ps -eo'));
}

describe('crash-safe resume', () => {
  it('kill -9 at 10 different points of a 30-repo run: every repo ends with one result and one commit, the journal is intact', { timeout: 240_000 }, async () => {
    const fx = await jobFixture({ count: 30, concurrency: 4 });
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const dbFile = path.join(fx.root, '.fleetmod', 'fleetmod.db');
    // Kill points spread over the run: early (resolve/clone), in the middle of sandboxes, around pushes.
    const killPoints = [3, 11, 7, 19, 5, 23, 13, 2, 29, 17];
    const results: ('killed' | number)[] = [];

    for (const point of killPoints) results.push(await runAndKill(fx.root, ['run', fx.job], env, dbFile, point));
    const final = await runAndKill(fx.root, ['run', fx.job], env, dbFile, Number.POSITIVE_INFINITY);

    expect(results.filter((r) => r === 'killed').length).toBeGreaterThanOrEqual(8);
    expect(final).toBe(0);
    const db = new Database(dbFile, { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    const runs = db.prepare('SELECT id, status FROM runs').all();
    const tasks = db.prepare('SELECT repo_key, status, outcome, head_sha FROM tasks').all() as {
      repo_key: string;
      status: string;
      outcome: string;
      head_sha: string;
    }[];
    db.close();
    expect(integrity).toBe('ok');
    expect(runs).toHaveLength(1);
    expect(tasks).toHaveLength(30);
    expect(new Set(tasks.map((t) => t.repo_key)).size).toBe(30);
    for (const task of tasks) {
      expect(task.status).toBe('done');
      expect(task.outcome).toBe('pushed');
      const repo = task.repo_key;
      const onBranch = (await git(repo, 'rev-list', 'main..fleetmod/fixture')).trim().split('\n');
      expect(onBranch, repo).toEqual([task.head_sha]);
      const message = await git(repo, 'log', '-1', '--format=%B', 'fleetmod/fixture');
      expect(message).toContain('Fleetmod-Job: fixture-job');
      expect((await git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/')).trim().split('\n').sort()).toEqual([
        'refs/heads/fleetmod/fixture',
        'refs/heads/main',
      ]);
    }
    // git children of a killed run may still be finishing a push for a moment; nothing may stay behind.
    let left = await leftoverProcesses(fx.root);
    for (let i = 0; i < 50 && left.length > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      left = await leftoverProcesses(fx.root);
    }
    expect(left).toEqual([]);
  });
});
