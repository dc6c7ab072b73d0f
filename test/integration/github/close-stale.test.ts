/**
 * `change.close-stale`: a re-run whose transformation no longer changes a repository closes the PR an earlier run
 * left open, with one comment saying why — also when GitHub fails the close and it is tried again — and leaves
 * it open when a person has pushed to its branch.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { startForge } from '../../support/forge/forge.js';
import { ALICE, forgeBranchSha, humanClone } from '../../support/forge/human.js';
import { FAST_PACING, writeForgeJob, type ForgeJobOptions } from '../../support/forge/job.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_closeStaleTestToken00000000000000013';
const ALICE_TOKEN = 'ghp_closeStaleAliceToken0000000000000014';
const BRANCH = 'fleetmod/rename-fetch';
const NO_BUDGET = { 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 };
/** The step of a job that no longer changes anything. */
const NO_CHANGE = 'true';

/** acme/a with the PR of a first run (close-stale on); `run` runs the job again with other options. */
async function withOpenPr() {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  forge.state.addUser(ALICE.login, ALICE_TOKEN);
  await forge.createRepo({ owner: 'acme', name: 'a' });
  const dir = await tempDir();
  const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
  const run = async (options: Partial<ForgeJobOptions> = {}, ...flags: string[]) => {
    await writeForgeJob(dir, 'job.yaml', forge, { repos: ['acme/a'], change: { 'close-stale': true }, ...options, limits: { ...NO_BUDGET, ...options.limits } });
    const io = captureIo(dir, env);
    return { code: await cli(io, 'run', ...flags, 'job.yaml'), out: io.out() + io.err() };
  };
  const outcome = () => {
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    try {
      return db.prepare('SELECT outcome, pr_number, pr_state FROM tasks ORDER BY rowid DESC LIMIT 1').get();
    } finally {
      db.close();
    }
  };
  expect((await run()).code).toBe(0);
  expect(forge.pulls('acme/a').map((p) => p.state)).toEqual(['open']);
  return { forge, run, outcome };
}

describe('close-stale', () => {
  it('comments once when the close fails and the repository is tried again', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    // GitHub has a bad minute: the PATCH that closes the PR gets 502 four times (the request and its 3 retries).
    forge.faults.add({ method: 'PATCH', path: /\/pulls\/\d+$/, times: 4, answer: { kind: 'status', status: 502 } });

    const closing = await run({ step: NO_CHANGE, limits: { retries: 2 } });

    expect(closing.code, closing.out).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'closed', comments: [{ body: expect.stringMatching(/no longer produces a change/) }] }]);
    expect(forge.pulls('acme/a')[0]!.comments).toHaveLength(1);
    expect(outcome()).toEqual({ outcome: 'pr-closed', pr_number: 1, pr_state: 'closed' });
    expect(forge.monitor.violations).toEqual([]);
  });

  it('a dry run closes nothing and writes nothing to GitHub', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    const writesBefore = forge.monitor.writes().length;

    const dry = await run({ step: NO_CHANGE }, '--dry-run');

    expect(dry.code, dry.out).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
    expect(forge.monitor.writes()).toHaveLength(writesBefore);
    expect(outcome()).toMatchObject({ outcome: 'unchanged', pr_state: null });
  });

  it('leaves the PR open when a human pushed a commit to its branch, and says edited-by-human', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    const alice = await humanClone(forge, 'acme/a', ALICE_TOKEN, BRANCH);
    await alice.commit({ 'DOCS.md': 'docs by alice\n' }, 'Document the rename');
    await alice.push();
    const humanTip = await forgeBranchSha(forge, 'acme/a', BRANCH);

    const closing = await run({ step: NO_CHANGE });

    expect(closing.code).toBe(1);
    expect(closing.out).toMatch(/edited by a human/);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
    expect(await forgeBranchSha(forge, 'acme/a', BRANCH)).toBe(humanTip);
    expect(outcome()).toEqual({ outcome: 'edited-by-human', pr_number: 1, pr_state: 'open' });
  });
});
