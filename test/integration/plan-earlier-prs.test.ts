/**
 * `fleetmod plan` and the pull requests an earlier run opened: with GitHub access it reads each as it is now (reads
 * only) and says what the run will do with it — update an open one, open a new one where a merged one or one
 * fleetmod closed was, skip a repository whose PR a person closed (declined) — and the run then does that. Without
 * access it shows the journal's view, and says so.
 */
import { describe, expect, it } from 'vitest';
import { withCloseMarker } from '../../src/codehost/github/close-marker.js';
import type { planJob } from '../../src/plan/plan.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { startForge } from '../support/forge/forge.js';
import { ALICE, closePullAsHuman, mergePullAsHuman } from '../support/forge/human.js';
import { FAST_PACING, writeForgeJob } from '../support/forge/job.js';
import { ALICE_TOKEN, BOT_TOKEN, NO_BUDGET } from '../support/forge/one-repo.js';
import { tempDir } from '../support/temp.js';

type Plan = ReturnType<typeof planJob>;

/** Every PR on the forge as [repository, number, state, merged], in that order (the run opens them concurrently). */
function pulls(forge: Awaited<ReturnType<typeof startForge>>): [string, number, string, boolean][] {
  return forge
    .pulls()
    .map((p): [string, number, string, boolean] => [p.repo, p.number, p.state, p.mergedAt !== null])
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
}

const REPOS = ['acme/open', 'acme/merged', 'acme/declined', 'acme/closed'];
/** A later transformation of the job: it changes every repository again (also one where the first change was merged). */
const RENAME_AGAIN = "grep -rlE 'fetchData|loadData' src | xargs -r sed -i -E 's/(fetch|load)Data/getData/g'";
const DECLINED = /^pull request #1 was closed without merging \(\d{4}-\d\d-\d\d\); not opened again — set change\.on-existing: recreate to open a new one$/;

/** Four repositories, each with the PR #1 of a first run; then a person merges one and closes one, and fleetmod's close-stale closes one. */
async function afterFirstRun() {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', BOT_TOKEN);
  forge.state.addUser(ALICE.login, ALICE_TOKEN);
  for (const name of REPOS) await forge.createRepo({ owner: 'acme', name: name.slice('acme/'.length) });
  const dir = await tempDir();
  const withToken = testEnv({ GITHUB_TOKEN: BOT_TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
  const cliIn = async (env: NodeJS.ProcessEnv, ...argv: string[]) => {
    const io = captureIo(dir, env);
    return { code: await cli(io, ...argv), out: io.out(), err: io.err() };
  };
  const job = (options: { step?: string; change?: Record<string, unknown> } = {}) =>
    writeForgeJob(dir, 'job.yaml', forge, { repos: REPOS, limits: NO_BUDGET, ...options });

  await job();
  const first = await cliIn(withToken, 'run', 'job.yaml');
  expect(first.code, first.out + first.err).toBe(0);
  expect(pulls(forge)).toEqual(REPOS.map((repo): [string, number, string, boolean] => [repo, 1, 'open', false]).sort((a, b) => a[0].localeCompare(b[0])));
  await mergePullAsHuman(forge, 'acme/merged', 1, ALICE_TOKEN);
  await closePullAsHuman(forge, 'acme/declined', 1, ALICE_TOKEN);
  // As close-stale leaves it: closed, with fleetmod's closing comment.
  const stale = forge.pulls('acme/closed')[0]!;
  stale.comments.push({ user: 'fleetmod-bot', body: withCloseMarker('No longer needed.') });
  stale.state = 'closed';
  stale.closedAt = new Date().toISOString();
  return { forge, withToken, cliIn, job };
}

describe('fleetmod plan: pull requests of an earlier run', () => {
  it('reads them on GitHub and says what the run does with each, which the run then does; without a token it says it shows the journal', { timeout: 180_000 }, async () => {
    const { forge, withToken, cliIn, job } = await afterFirstRun();
    await job({ step: RENAME_AGAIN });
    const writes = forge.monitor.writes().length;

    const json = await cliIn(withToken, 'plan', '--json', 'job.yaml');
    const text = await cliIn(withToken, 'plan', 'job.yaml');
    const noToken = await cliIn(testEnv(), 'plan', 'job.yaml');

    expect(json.code, json.err).toBe(0);
    expect(forge.monitor.writes()).toHaveLength(writes);
    const plan = JSON.parse(json.out) as Plan;
    expect(plan.repos.run.map((r) => [r.display, r.prNow?.state])).toEqual([
      ['acme/open', 'open'],
      ['acme/merged', 'merged'],
      ['acme/closed', 'closed-by-fleetmod'],
    ]);
    expect(plan.repos.skipped.map((r) => [r.display, r.reason])).toEqual([['acme/declined', expect.stringMatching(DECLINED)]]);
    expect(plan.pullRequests).toMatchObject({ opens: true, pullRequests: 2, withOpenPr: 1, earlierPrs: { from: 'github', merged: 1, closed: 1, declined: 1 } });
    expect(text.out).toMatch(/^Repositories: 4 \(3 to run, 1 skipped\)$/m);
    expect(text.out).toMatch(/^ {2}acme\/merged\s+pr-opened \S+\/acme\/merged\/pull\/1 \(merged since\)$/m);
    expect(text.out).toContain(
      [
        'Pull requests: up to 2 new pull requests (repositories with a change), 2 content-creating GitHub writes (create per PR)',
        '  1 repository has an open PR from the earlier run (on GitHub now): updated, not opened again',
        '  1 repository has its PR from the earlier run merged since: a new one is opened where the run still changes the repository, counted above',
        '  1 repository has its PR from the earlier run closed by fleetmod (or gone from GitHub): a new one is opened where the run changes the repository, counted above',
        '  1 repository has its PR from the earlier run closed by a person without merging: skipped, the change was declined (see Skipped; on-existing: recreate opens a new one)',
        '',
      ].join('\n'),
    );
    expect(noToken.code, noToken.err).toBe(0);
    expect(noToken.out).toMatch(/^Repositories: 4 \(4 to run\)$/m);
    expect(noToken.out).toContain(
      '  4 repositories have an open PR from the earlier run (as the journal has it: without GitHub access plan cannot see a PR closed or merged since): updated, not opened again\n',
    );

    const rerun = await cliIn(withToken, 'run', 'job.yaml');

    expect(rerun.code, rerun.out + rerun.err).toBe(0);
    expect(pulls(forge)).toEqual([
      ['acme/closed', 1, 'closed', false],
      ['acme/closed', 2, 'open', false],
      ['acme/declined', 1, 'closed', false],
      ['acme/merged', 1, 'closed', true],
      ['acme/merged', 2, 'open', false],
      ['acme/open', 1, 'open', false],
    ]);
    expect(rerun.out).toMatch(/acme\/declined.*pull request #1 was closed without merging/);
    expect(forge.monitor.violations).toEqual([]);

    // The next change: the repository the rerun skipped as declined (the journal keeps its reason, not a PR number)
    // is skipped again, read on GitHub with a token, as the journal has it without; once its PR is reopened, it runs.
    await job({ step: "grep -rl getData src | xargs -r sed -i 's/getData/readData/g'" });
    const declinedOf = (out: string) => (JSON.parse(out) as Plan).repos.skipped.map((r) => [r.display, r.reason]);
    const again = await cliIn(withToken, 'plan', '--json', 'job.yaml');
    const againNoToken = await cliIn(testEnv(), 'plan', '--json', 'job.yaml');
    forge.pulls('acme/declined')[0]!.state = 'open';
    const reopened = await cliIn(withToken, 'plan', '--json', 'job.yaml');

    expect(declinedOf(again.out)).toEqual([['acme/declined', expect.stringMatching(DECLINED)]]);
    expect(declinedOf(againNoToken.out)).toEqual([
      ['acme/declined', expect.stringMatching(/^pull request #1 was closed without merging .* \(as run \S+ found it; not read on GitHub now, so a reopened PR is not seen\)$/)],
    ]);
    expect(declinedOf(reopened.out)).toEqual([]);
    expect((JSON.parse(reopened.out) as Plan).repos.run.find((r) => r.display === 'acme/declined')?.prNow).toEqual({ state: 'open' });
  });

  it('with on-existing: recreate, counts a declined repository among the new pull requests; a PR it cannot read stays as the journal has it', { timeout: 120_000 }, async () => {
    const { forge, cliIn, withToken, job } = await afterFirstRun();
    await job({ step: RENAME_AGAIN, change: { 'on-existing': 'recreate' } });

    const json = await cliIn(withToken, 'plan', '--json', 'job.yaml');
    const text = await cliIn(withToken, 'plan', 'job.yaml');

    const plan = JSON.parse(json.out) as Plan;
    expect(plan.repos.skipped).toEqual([]);
    // The open PR is closed and opened again, and the three without an open PR get a new one.
    expect(plan.pullRequests).toMatchObject({ pullRequests: 4, withOpenPr: 1, earlierPrs: { from: 'github', merged: 1, closed: 1, declined: 1 } });
    expect(text.out).toContain('  1 repository has its PR from the earlier run closed by a person without merging: opened again (on-existing: recreate), counted above\n');

    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/merged\/pulls\/1$/, times: 100, answer: { kind: 'status', status: 500 } });
    const unreadable = await cliIn(withToken, 'plan', '--json', 'job.yaml');

    expect(unreadable.code).toBe(0);
    expect(unreadable.err).toMatch(/^fleetmod: pull request #1 of acme\/merged could not be read from GitHub \(.+\); it is shown as the journal has it \(open\)$/m);
    expect((JSON.parse(unreadable.out) as Plan).pullRequests).toMatchObject({ withOpenPr: 2, earlierPrs: { merged: 0, closed: 1, declined: 1 } });
  });

  it('with on-existing: skip, skips every repository whose branch the earlier run pushed, as the run then does', { timeout: 120_000 }, async () => {
    const { forge, cliIn, withToken, job } = await afterFirstRun();
    await job({ step: RENAME_AGAIN, change: { 'on-existing': 'skip' } });

    const json = await cliIn(withToken, 'plan', '--json', 'job.yaml');
    const rerun = await cliIn(withToken, 'run', '--new', 'job.yaml');

    const plan = JSON.parse(json.out) as Plan;
    expect(plan.repos.run).toEqual([]);
    expect(plan.repos.skipped.map((r) => [r.display, r.reason])).toEqual([
      ['acme/open', expect.stringMatching(/^on-existing: skip, and run \S+ pushed its branch \(left alone unless that branch was deleted since\)$/)],
      ['acme/merged', expect.stringContaining('on-existing: skip')],
      ['acme/declined', expect.stringContaining('on-existing: skip')],
      ['acme/closed', expect.stringContaining('on-existing: skip')],
    ]);
    expect(plan.pullRequests).toMatchObject({ pullRequests: 0, withOpenPr: 0 });
    expect(rerun.code, rerun.out + rerun.err).toBe(0);
    expect(rerun.out).toMatch(/^ {2}4 × branch \S+ already exists \(on-existing: skip\): /m);
    expect(forge.pulls().filter((p) => p.number > 1)).toEqual([]);
  });
});
