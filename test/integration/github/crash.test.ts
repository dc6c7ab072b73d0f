/**
 * A crash between push and PR creation must not leave a branch without a PR. The built CLI runs as a child
 * process; the forge holds its PR creation for one repo open, and the process is killed with SIGKILL as soon as
 * that repo's branch is pushed. The next run finds the pushed branch, opens exactly one PR for it, and pushes no
 * other commit.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../../support/cli.js';
import { ensureBuilt, startCli } from '../../support/built-cli.js';
import { startForge } from '../../support/forge/forge.js';
import { FAST_PACING, writeForgeJob } from '../../support/forge/job.js';
import { branchSha } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_crashTestToken000000000000000000000009';
const BRANCH = 'fleetmod/rename-fetch';

describe('a crash between push and PR creation', () => {
  // Longer than the default: the first call rebuilds dist/ when a source file is newer than it.
  it('is repaired by the next run: one PR for the pushed branch, no second push of a different commit', { timeout: 180_000 }, async () => {
    await ensureBuilt();
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    forge.state.addUser('alice');
    for (const name of ['a', 'b']) await forge.createRepo({ owner: 'acme', name });
    forge.faults.add({ method: 'POST', path: /^\/repos\/acme\/a\/pulls$/, answer: { kind: 'hang' } });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: ['acme/a', 'acme/b'],
      pr: { title: 'Rename fetchData()', body: 'Automated.', labels: ['fleetmod'], reviewers: ['alice'] },
      limits: { concurrency: 2, 'github-writes': 10_000, 'github-writes-per-hour': 100_000 },
    });
    const env = { ...testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING }) };

    const first = startCli(dir, env, 'run', 'job.yaml');
    const pushed = await Promise.race([
      forge.waitForPush((e) => e.repo === 'a' && e.ref === `refs/heads/${BRANCH}`),
      first.exited.then(() => {
        throw new Error(`the first run ended before pushing:\n${first.output()}`);
      }),
    ]);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The state the crash left: a pushed branch and no PR.
    const bare = forge.state.barePath(forge.state.repo('acme', 'a')!);
    expect(await branchSha(bare, BRANCH)).toBe(pushed.after);
    expect(forge.pulls('acme/a')).toEqual([]);
    // The hang was for the killed process (in case it got as far as asking for the PR); the next run is answered.
    forge.faults.clear();

    const second = startCli(dir, env, 'run', 'job.yaml');
    const result = await second.exited;

    expect(result.code, second.output()).toBe(0);
    expect(second.output()).toMatch(/resuming|Resumed run/);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', headRef: BRANCH, labels: ['fleetmod'], requestedReviewers: ['alice'] }]);
    expect(forge.pulls('acme/b')).toHaveLength(1);
    const branchPushes = forge.pushes.filter((p) => p.repo === 'a' && p.ref === `refs/heads/${BRANCH}`);
    expect(branchPushes.map((p) => p.after)).toEqual([pushed.after]);
    expect(await branchSha(bare, BRANCH)).toBe(pushed.after);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('a PR the killed run opened but did not live to journal is still reported as opened by the run, and not opened twice', { timeout: 180_000 }, async () => {
    await ensureBuilt();
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    for (const name of ['a', 'b']) await forge.createRepo({ owner: 'acme', name });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: ['acme/a', 'acme/b'],
      pr: { title: 'Rename fetchData()', body: 'Automated.', labels: ['fleetmod'] },
      limits: { concurrency: 1, 'github-writes': 10_000, 'github-writes-per-hour': 100_000 },
    });
    const env = { ...testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING }) };
    let first: ReturnType<typeof startCli> | undefined;
    // The forge opens the PR of acme/a, and the run is killed before it hears the answer.
    forge.faults.add({ method: 'POST', path: /^\/repos\/acme\/a\/pulls$/, answer: { kind: 'already-exists' }, onFire: () => first?.child.kill('SIGKILL') });

    first = startCli(dir, env, 'run', 'job.yaml');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The forge goes on with the request it was handling when the client died.
    for (let waited = 0; forge.pulls('acme/a').length === 0 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(forge.pulls('acme/a')).toHaveLength(1);
    forge.faults.clear();

    const second = startCli(dir, env, 'run', 'job.yaml');
    const result = await second.exited;

    expect(result.code, second.output()).toBe(0);
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const tasks = db.prepare('SELECT repo_key, outcome, pr_number FROM tasks ORDER BY position').all();
    db.close();
    expect(tasks).toEqual([
      { repo_key: 'acme/a', outcome: 'pr-opened', pr_number: forge.pulls('acme/a')[0]?.number },
      { repo_key: 'acme/b', outcome: 'pr-opened', pr_number: forge.pulls('acme/b')[0]?.number },
    ]);
    expect(forge.pulls('acme/a')).toHaveLength(1);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('on-existing: recreate — a resumed run keeps the new PR the killed run opened, and does not supersede it with a third', { timeout: 180_000 }, async () => {
    const { forge, dir, env } = await forgeWithRepoA();
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: ['acme/a'],
      pr: { title: 'Rename fetchData()', body: 'Automated.' },
      change: { 'on-existing': 'recreate' },
      limits: { 'github-writes': 10_000, 'github-writes-per-hour': 100_000 },
    });
    expect((await startCli(dir, env, 'run', 'job.yaml').exited).code).toBe(0);
    // A new run supersedes #1; the forge opens #2 and the run is killed before it hears the answer.
    let second: ReturnType<typeof startCli> | undefined;
    forge.faults.add({ method: 'POST', path: /^\/repos\/acme\/a\/pulls$/, answer: { kind: 'already-exists' }, onFire: () => second?.child.kill('SIGKILL') });
    second = startCli(dir, env, 'run', '--new', 'job.yaml');
    expect((await second.exited).signal).toBe('SIGKILL');
    for (let waited = 0; forge.pulls('acme/a').length < 2 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    forge.faults.clear();

    const resumed = startCli(dir, env, 'resume');
    const result = await resumed.exited;

    expect(result.code, resumed.output()).toBe(0);
    expect(forge.pulls('acme/a').map((p) => [p.number, p.state, p.comments.length])).toEqual([
      [1, 'closed', 1],
      [2, 'open', 0],
    ]);
    expect(lastTask(dir)).toEqual({ outcome: 'pr-opened', pr_number: 2 });
    expect(forge.monitor.violations).toEqual([]);
  });

  it('the PR is journaled as soon as it is open: a run killed while adding its labels has its number', { timeout: 180_000 }, async () => {
    const { forge, dir, env } = await forgeWithRepoA();
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: ['acme/a'],
      pr: { title: 'Rename fetchData()', body: 'Automated.', labels: ['fleetmod'] },
      limits: { 'github-writes': 10_000, 'github-writes-per-hour': 100_000 },
    });
    let first: ReturnType<typeof startCli> | undefined;
    forge.faults.add({ method: 'POST', path: /\/labels$/, answer: { kind: 'hang' }, onFire: () => first?.child.kill('SIGKILL') });
    first = startCli(dir, env, 'run', 'job.yaml');
    expect((await first.exited).signal).toBe('SIGKILL');

    expect(lastTask(dir)).toEqual({ outcome: null, pr_number: 1 });

    forge.faults.clear();
    const resumed = startCli(dir, env, 'resume');
    expect((await resumed.exited).code, resumed.output()).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ number: 1, state: 'open', labels: ['fleetmod'] }]);
    expect(lastTask(dir)).toEqual({ outcome: 'pr-opened', pr_number: 1 });
  });

  /**
   * acme/a with the PR of a first run (close-stale on), and a second run — the change gone — killed when its close
   * request reaches the forge: `hang` leaves the PR open (its comment posted), `served` closes it.
   */
  async function closeStaleKilled(answer: 'hang' | 'served') {
    const { forge, dir, env } = await forgeWithRepoA();
    const job = { repos: ['acme/a'], change: { 'close-stale': true }, limits: { 'github-writes': 10_000, 'github-writes-per-hour': 100_000 } };
    await writeForgeJob(dir, 'job.yaml', forge, job);
    expect((await startCli(dir, env, 'run', 'job.yaml').exited).code).toBe(0);
    await writeForgeJob(dir, 'job.yaml', forge, { ...job, step: 'true' });
    let second: ReturnType<typeof startCli> | undefined;
    forge.faults.add({ method: 'PATCH', path: /^\/repos\/acme\/a\/pulls\/1$/, answer: { kind: answer }, onFire: () => second?.child.kill('SIGKILL') });
    second = startCli(dir, env, 'run', 'job.yaml');
    expect((await second.exited).signal).toBe('SIGKILL');
    for (let waited = 0; answer === 'served' && forge.pulls('acme/a')[0]?.state !== 'closed' && waited < 5_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    forge.faults.clear();
    return { forge, dir, env };
  }

  it('close-stale — a run killed as it closes the PR (comment posted) comments once when resumed', { timeout: 180_000 }, async () => {
    const { forge, dir, env } = await closeStaleKilled('hang');
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [{ user: 'fleetmod-bot' }] }]);

    const resumed = startCli(dir, env, 'resume');
    expect((await resumed.exited).code, resumed.output()).toBe(0);

    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'closed' }]);
    expect(forge.pulls('acme/a')[0]!.comments).toHaveLength(1);
  });

  it('close-stale — a run killed once GitHub has its close request counts the PR as closed by it when resumed', { timeout: 180_000 }, async () => {
    const { forge, dir, env } = await closeStaleKilled('served');
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'closed' }]);

    const resumed = startCli(dir, env, 'resume');
    expect((await resumed.exited).code, resumed.output()).toBe(0);

    expect(lastTask(dir)).toEqual({ outcome: 'pr-closed', pr_number: 1 });
    expect(resumed.output()).toMatch(/1 stale PR closed/);
  });
});

/** Outcome and PR number of the newest run's (only) task. */
/** The built CLI, a forge with acme/a and the bot's token, a folder for the job, and the environment for runs. */
async function forgeWithRepoA() {
  await ensureBuilt();
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  await forge.createRepo({ owner: 'acme', name: 'a' });
  const dir = await tempDir();
  const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
  return { forge, dir, env };
}

function lastTask(dir: string): unknown {
  const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare('SELECT outcome, pr_number FROM tasks ORDER BY rowid DESC LIMIT 1').get();
  } finally {
    db.close();
  }
}
