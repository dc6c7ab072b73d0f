/**
 * Overnight-grade runs against the local forge (git over smart-HTTP + the fake GitHub API): killed at any point and
 * resumed, every repository still ends with exactly one result, one branch and one pull request; transient
 * failures injected into a third of the operations (clone hang-ups, 502s from GitHub, lost E2B sandboxes) are all
 * retried away.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, startCli } from '../support/built-cli.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { startFakeE2b } from '../support/fake-e2b/index.js';
import { startForge } from '../support/forge/forge.js';
import { FAST_PACING, RENAME_STEP, writeForgeJob } from '../support/forge/job.js';
import { settledProcessesNamed } from '../support/processes.js';
import { branchSha, git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

const TOKEN = 'ghp_overnightTestToken0000000000000000007';
const BRANCH = 'fleetmod/rename-fetch';

function stageEvents(dbFile: string): number {
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

describe('overnight runs against the forge', () => {
  it('kill -9 at 10 points of a 12-repo run with PRs: one result, one branch, one PR per repo; journal intact; nothing left running', { timeout: 300_000 }, async () => {
    await ensureBuilt();
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    const names = Array.from({ length: 12 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
    for (const name of names) await forge.createRepo({ owner: 'acme', name });
    const dir = await tempDir();
    const marker = `fleetmod-overnight-${process.pid}-${Date.now()}`;
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: names.map((n) => `acme/${n}`),
      provider: 'local',
      step: `: ${marker}; ${RENAME_STEP}`,
      pr: { title: 'Rename fetchData to loadData', body: 'Automated by fleetmod.', labels: ['fleetmod'] },
      limits: { concurrency: 4, 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 },
    });
    // A temporary folder of its own, to see what the killed processes leave there.
    const tmp = path.join(dir, 'tmp');
    await mkdir(tmp);
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING, FLEETMOD_CACHE_DIR: path.join(dir, '.mirrors'), TMPDIR: tmp });
    const dbFile = path.join(dir, '.fleetmod', 'fleetmod.db');
    let killed = 0;

    for (const after of [4, 11, 7, 16, 5, 19, 12, 3, 21, 9]) {
      const before = stageEvents(dbFile);
      const run = startCli(dir, env, 'run', 'job.yaml');
      for (;;) {
        const done = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 15))]);
        if (done !== null) break;
        if (stageEvents(dbFile) - before >= after) {
          run.child.kill('SIGKILL');
          await run.exited;
          killed += 1;
          break;
        }
      }
    }
    const final = startCli(dir, env, 'run', 'job.yaml');
    const result = await final.exited;

    expect(killed).toBe(10);
    expect(result.code, final.output()).toBe(0);
    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const tasks = db.prepare('SELECT repo_key, status, outcome, head_sha, pr_number FROM tasks').all() as {
      repo_key: string;
      status: string;
      outcome: string;
      head_sha: string;
      pr_number: number;
    }[];
    db.close();
    expect(tasks).toHaveLength(12);
    for (const task of tasks) {
      expect(task.status).toBe('done');
      expect(task.outcome).toBe('pr-opened');
      const pulls = forge.pulls(task.repo_key);
      expect(pulls, task.repo_key).toHaveLength(1);
      expect(pulls[0]).toMatchObject({ state: 'open', number: task.pr_number, headRef: BRANCH, labels: ['fleetmod'] });
      const bare = forge.state.barePath(forge.state.repo('acme', task.repo_key.split('/')[1]!)!);
      expect(await branchSha(bare, BRANCH)).toBe(task.head_sha);
      expect((await git(bare, 'rev-list', `main..${BRANCH}`)).trim().split('\n')).toEqual([task.head_sha]);
      // Re-made commits get the same SHA: every push of this branch carried that one commit.
      const pushes = forge.pushes.filter((p) => `${p.owner}/${p.repo}` === task.repo_key && p.ref === `refs/heads/${BRANCH}`);
      expect(new Set(pushes.map((p) => p.after))).toEqual(new Set([task.head_sha]));
    }
    expect(forge.monitor.violations).toEqual([]);
    // Every step carries the marker on its command line (bwrap's and bash's): nothing of any killed run may remain.
    expect(await settledProcessesNamed(marker)).toEqual([]);
    // Nor in the temporary folder: the last run removed what the killed ones left (sandbox scratch, /etc copies,
    // git scripts' folders) and its own.
    expect((await readdir(tmp)).filter((name) => name.startsWith('fleetmod-'))).toEqual([]);
  });

  it('transient failures on a third of the operations (clone hang-ups, 502s from GitHub, lost sandboxes): every repo succeeds and the retries are counted', { timeout: 240_000 }, async () => {
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    const names = Array.from({ length: 10 }, (_, i) => `app-${String(i + 1).padStart(2, '0')}`);
    for (const name of names) await forge.createRepo({ owner: 'acme', name });
    const fake = await startFakeE2b({ startLatencyMs: 10 });
    // Every third clone is cut mid-transfer (four in all), every third PR creation answers 502, and four sandboxes
    // die mid-step.
    forge.faults.addGit({ service: 'upload-pack', command: 'fetch', every: 3, times: 4, answer: 'hangup' });
    forge.faults.add({ method: 'POST', path: /^\/repos\/acme\/[^/]+\/pulls$/, every: 3, times: 100, answer: { kind: 'status', status: 502 } });
    fake.inject({ on: 'command', match: /fetchData/, action: 'expire', times: 4, afterMs: 0 });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: names.map((n) => `acme/${n}`),
      provider: 'e2b',
      limits: { concurrency: 4, retries: 3, 'sandbox-rate': '100/s', 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 },
    });
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING, ...fake.env() }));

    const code = await cli(io, 'run', '--no-cache', 'job.yaml');

    expect(code, io.out() + io.err()).toBe(0);
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const tasks = db.prepare('SELECT repo_key, outcome, retries FROM tasks').all() as { repo_key: string; outcome: string; retries: number }[];
    const retryEvents = (db.prepare("SELECT COUNT(*) AS n FROM task_events WHERE message LIKE 'transient failure, retry%'").get() as { n: number }).n;
    db.close();
    expect(tasks.map((t) => t.outcome)).toEqual(Array(10).fill('pr-opened'));
    for (const name of names) expect(forge.pulls(`acme/${name}`), name).toHaveLength(1);
    const retries = tasks.reduce((sum, t) => sum + t.retries, 0);
    // Hang-ups and lost sandboxes fail a stage and are retried by the scheduler; 502s are retried inside the client.
    expect(forge.faults.gitFired).toBeGreaterThanOrEqual(4);
    expect(fake.stats().expired).toBe(4);
    expect(retries).toBeGreaterThanOrEqual(forge.faults.gitFired + 4);
    expect(retryEvents).toBe(retries);
    expect(forge.monitor.calls.filter((c) => c.status === 502).length).toBeGreaterThanOrEqual(3);
    expect(io.out()).toMatch(/retry .* \(attempt 2/);
    expect(fake.alive()).toEqual([]);
  });
});
