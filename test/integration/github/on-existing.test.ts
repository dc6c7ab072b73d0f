/**
 * What a re-run does with the branch and PR an earlier run left, per `change.on-existing`, and `publish: draft`;
 * and with the PR of a repository whose base the manifest changed.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { startForge } from '../../support/forge/forge.js';
import { humanClone } from '../../support/forge/human.js';
import { FAST_PACING, writeForgeJob } from '../../support/forge/job.js';
import { ALICE_TOKEN, NO_BUDGET, oneRepoForge } from '../../support/forge/one-repo.js';
import { branchSha } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_onExistingTestToken000000000000000011';

async function setup() {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  for (const name of ['a', 'b']) await forge.createRepo({ owner: 'acme', name });
  const dir = await tempDir();
  const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING, FLEETMOD_CACHE_DIR: path.join(dir, '.mirrors') });
  const run = async (change: Record<string, unknown>, title: string) => {
    await writeForgeJob(dir, 'job.yaml', forge, { repos: ['acme/a', 'acme/b'], pr: { title, body: 'Automated.' }, change, limits: NO_BUDGET });
    const io = captureIo(dir, env);
    const code = await cli(io, 'run', 'job.yaml');
    return { code, out: io.out() + io.err() };
  };
  const outcomes = () => {
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    try {
      return db.prepare('SELECT outcome, skip_reason FROM tasks WHERE run_id = (SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1) ORDER BY position').all();
    } finally {
      db.close();
    }
  };
  return { forge, run, outcomes };
}

/** A forge with acme/a, Alice as a user, and runs of jobs for acme/a only. */
async function oneRepo() {
  const { forge, run, lastTask } = await oneRepoForge();
  return { forge, run, outcome: () => lastTask('outcome, pr_number') };
}

describe('change.on-existing and publish', () => {
  it('skip leaves the existing branch and PR alone; recreate closes the old PR and opens a new one', { timeout: 120_000 }, async () => {
    const { forge, run, outcomes } = await setup();
    expect((await run({}, 'First title')).code).toBe(0);
    const bare = forge.state.barePath(forge.state.repo('acme', 'a')!);
    const firstHead = await branchSha(bare, 'fleetmod/rename-fetch');

    const skipped = await run({ 'on-existing': 'skip' }, 'Second title');

    expect(skipped.code, skipped.out).toBe(0);
    expect(outcomes()).toEqual([
      { outcome: 'skipped', skip_reason: 'branch fleetmod/rename-fetch already exists (on-existing: skip)' },
      { outcome: 'skipped', skip_reason: 'branch fleetmod/rename-fetch already exists (on-existing: skip)' },
    ]);
    expect(forge.pulls('acme/a').map((p) => [p.title, p.state])).toEqual([['First title', 'open']]);
    expect(await branchSha(bare, 'fleetmod/rename-fetch')).toBe(firstHead);

    const recreated = await run({ 'on-existing': 'recreate' }, 'Third title');

    expect(recreated.code, recreated.out).toBe(0);
    expect(outcomes().map((o) => (o as { outcome: string }).outcome)).toEqual(['pr-opened', 'pr-opened']);
    for (const repo of ['acme/a', 'acme/b']) {
      const pulls = forge.pulls(repo);
      expect(pulls.map((p) => [p.number, p.title, p.state])).toEqual([
        [1, 'First title', 'closed'],
        [2, 'Third title', 'open'],
      ]);
      expect(pulls[0]!.comments.map((c) => c.body).join('\n')).toMatch(/Superseded by a new pull request from fleetmod run .* \(on-existing: recreate\)/);
    }
    expect(forge.monitor.violations).toEqual([]);
  });

  it('publish: draft opens draft PRs; publish: false pushes the branch and opens none', { timeout: 120_000 }, async () => {
    const { forge, run, outcomes } = await setup();

    const drafted = await run({ publish: 'draft' }, 'Draft title');

    expect(drafted.code, drafted.out).toBe(0);
    expect(forge.pulls().map((p) => [p.repo, p.draft]).sort()).toEqual([
      ['acme/a', true],
      ['acme/b', true],
    ]);

    const pushOnly = await run({ publish: false, branch: 'fleetmod/push-only' }, 'Unused');

    expect(pushOnly.code, pushOnly.out).toBe(0);
    expect(outcomes().map((o) => (o as { outcome: string }).outcome)).toEqual(['pushed', 'pushed']);
    expect(forge.pulls()).toHaveLength(2);
    expect(forge.pushes.filter((p) => p.ref === 'refs/heads/fleetmod/push-only')).toHaveLength(2);
  });
});


describe('on-existing: recreate, and a failure after the new PR was opened', () => {
  it('the retry keeps the PR this run opened: it is not superseded by a third one', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await oneRepo();
    const pr = { title: 'Rename', body: 'Automated.', labels: ['fleetmod'] };
    expect((await run({ pr })).code).toBe(0);
    // GitHub has a bad minute right after the new PR opens: adding its label fails (the request and its 3 retries).
    forge.faults.add({ method: 'POST', path: /\/labels$/, times: 4, answer: { kind: 'status', status: 502 } });

    const recreated = await run({ pr, change: { 'on-existing': 'recreate' }, limits: { ...NO_BUDGET, retries: 2 } });

    expect(recreated.code, recreated.out).toBe(0);
    expect(forge.pulls('acme/a').map((p) => [p.number, p.state, p.labels, p.comments.length])).toEqual([
      [1, 'closed', ['fleetmod'], 1],
      [2, 'open', ['fleetmod'], 0],
    ]);
    expect(outcome()).toEqual({ outcome: 'pr-opened', pr_number: 2 });
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('a re-run with a new base for a repository', () => {
  it('retargets the open PR to the new base instead of opening a second one', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await oneRepo();
    expect((await run({ pr: { title: 'Rename', body: 'v1' } })).code).toBe(0);
    // The team now works on develop (main and one more commit), and the manifest says so.
    const alice = await humanClone(forge, 'acme/a', ALICE_TOKEN);
    await alice.branch('develop');
    await alice.commit({ 'NEXT.md': 'next\n' }, 'Start the next release');
    await alice.push();

    const retargeted = await run({ repo: { repo: 'acme/a', base: 'develop' }, pr: { title: 'Rename', body: 'v2' } });

    expect(retargeted.code, retargeted.out).toBe(0);
    expect(forge.pulls('acme/a').map((p) => [p.number, p.state, p.base, p.body])).toEqual([[1, 'open', 'develop', 'v2']]);
    expect(outcome()).toEqual({ outcome: 'pr-updated', pr_number: 1 });
    expect(forge.monitor.violations).toEqual([]);
  });
});
