/**
 * The PR flow's safety properties through the real CLI against the local forge: a secondary-limit storm in the
 * middle of a run (every PR still opens, nothing is sent during the pauses), a human's commit on a fleetmod
 * branch and a fleetmod commit a human amended (both left alone), real one-second write spacing with a binding budget, and `status --refresh`.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { DEFAULT_FILES, startForge, type Forge } from '../../support/forge/forge.js';
import { forgeBranchSha, humanClone } from '../../support/forge/human.js';
import { FAST_PACING, TOKEN_CHECK_STEP, writeForgeJob } from '../../support/forge/job.js';
import { findSecret } from '../../support/forge/secrets.js';
import { branchSha, git } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_safetyTestToken0000000000000000000007';
const HUMAN_TOKEN = 'ghp_aliceTestToken00000000000000000000008';
const BRANCH = 'fleetmod/rename-fetch';
const NO_BUDGET = { 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 };
const PR = { title: 'Rename fetchData()', body: 'v1', labels: ['fleetmod'], reviewers: ['alice'] };
/** Requests the client had already sent when a refusal was answered may still arrive this long after it. */
const IN_FLIGHT_MS = 250;

async function fleet(count: number, options: { distinct?: boolean } = {}): Promise<{ forge: Forge; dir: string; repos: string[] }> {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  forge.state.addUser('alice', HUMAN_TOKEN);
  const names = Array.from({ length: count }, (_, i) => `svc-${i + 1}`);
  // Same content makes the same (deterministic) change commit in every repo; `distinct` gives each its own.
  const files = (name: string) => (options.distinct ? { files: { ...DEFAULT_FILES, 'README.md': `# ${name}\n` } } : {});
  await Promise.all(names.map((name) => forge.createRepo({ owner: 'acme', name, ...files(name) })));
  return { forge, dir: await tempDir(), repos: names.map((n) => `acme/${n}`) };
}

describe('rate limits in the middle of a run', () => {
  it('opens every PR through a secondary-limit storm, and sends nothing while GitHub asked to wait', async () => {
    const { forge, dir, repos } = await fleet(8);
    // From the 7th write on, every request is refused for 2.5 s with retry-after: 1 (so the wait must also grow).
    forge.faults.startStorm({ afterWrites: 7, durationMs: 2_500, retryAfter: 1 });
    await writeForgeJob(dir, 'job.yaml', forge, { repos, pr: PR, limits: { concurrency: 4, retries: 2, ...NO_BUDGET } });
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING }));

    const code = await cli(io, 'run', 'job.yaml');

    expect(code, io.out() + io.err()).toBe(0);
    expect(io.out()).toMatch(/changed, PR opened\/updated\s+8\s+\(8 opened/);
    expect(forge.pulls()).toHaveLength(8);
    expect(forge.pulls().every((p) => p.labels.includes('fleetmod') && p.requestedReviewers.includes('alice'))).toBe(true);
    const calls = forge.monitor.byArrival();
    const refused = calls.filter((c) => c.fault === 'secondary');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const r of refused) {
      const during = calls.filter((c) => c.at > r.at + IN_FLIGHT_MS && c.at < r.at + (r.retryAfter as number) * 1000);
      expect(during, `requests during the pause after the refusal at ${Math.round(r.at)}`).toEqual([]);
    }
    // Refused again after the first pause: the second pause is longer than retry-after.
    const stormStart = forge.faults.stormStartedAt() as number;
    const firstOk = calls.find((c) => c.at > stormStart && c.status < 400);
    expect((firstOk?.at as number) - stormStart).toBeGreaterThanOrEqual(2_500);
    expect(io.out()).toMatch(/secondary rate limit \(HTTP 403, retry-after 1s\); pausing every request to it for 1s/);
    expect(io.out()).toMatch(/pausing every request to it for 2s/);
    expect(forge.monitor.violations).toEqual([]);
    expect(await findSecret(path.join(dir, '.fleetmod'), TOKEN)).toEqual([]);
  });
});

describe('a human commit on a fleetmod branch', () => {
  it('is not overwritten: the repo ends edited-by-human, its branch and PR stay as the human left them', async () => {
    const { forge, dir, repos } = await fleet(2);
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
    // In the real (bubblewrap) sandbox, with a step that fails if the push token is visible there.
    const sandboxed = { provider: 'local' as const, step: TOKEN_CHECK_STEP };
    await writeForgeJob(dir, 'v1.yaml', forge, { repos, pr: PR, limits: NO_BUDGET, ...sandboxed });
    expect(await cli(captureIo(dir, env), 'run', 'v1.yaml')).toBe(0);

    const work = await tempDir('fleetmod-human-');
    const auth = `http.extraHeader=Authorization: Basic ${Buffer.from(`alice:${HUMAN_TOKEN}`).toString('base64')}`;
    await git(work, '-c', auth, 'clone', '--quiet', '--branch', BRANCH, `${forge.url}/acme/svc-1.git`, 'w');
    await git(`${work}/w`, '-c', 'user.name=Alice', '-c', 'user.email=alice@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'Fix the call site by hand');
    await git(`${work}/w`, '-c', auth, 'push', '--quiet', 'origin', BRANCH);
    const humanTip = await branchSha(forge.state.barePath(forge.state.repo('acme', 'svc-1')!), BRANCH);

    await writeForgeJob(dir, 'v2.yaml', forge, { repos, pr: { ...PR, body: 'v2' }, limits: NO_BUDGET, ...sandboxed });
    const io = captureIo(dir, env);
    const code = await cli(io, 'run', 'v2.yaml');

    expect(code).toBe(1);
    expect(io.out()).toMatch(/edited by a human/);
    expect(await branchSha(forge.state.barePath(forge.state.repo('acme', 'svc-1')!), BRANCH)).toBe(humanTip);
    expect(forge.pulls('acme/svc-1')).toMatchObject([{ state: 'open', body: 'v1' }]);
    expect(forge.pulls('acme/svc-2')).toMatchObject([{ state: 'open', body: 'v2' }]);
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const rows = db.prepare("SELECT repo_key, outcome FROM tasks WHERE run_id = (SELECT id FROM runs ORDER BY created_at DESC LIMIT 1) ORDER BY repo_key").all();
    db.close();
    expect(rows).toEqual([
      { repo_key: 'acme/svc-1', outcome: 'edited-by-human' },
      { repo_key: 'acme/svc-2', outcome: 'pr-updated' },
    ]);
    expect(await findSecret(path.join(dir, '.fleetmod'), TOKEN)).toEqual([]);
  });
});

describe('a fleetmod commit a human amended', () => {
  it('is not overwritten: its message keeps the trailer and its author is fleetmod, but its committer is the human', async () => {
    const { forge, dir, repos } = await fleet(1);
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
    await writeForgeJob(dir, 'v1.yaml', forge, { repos, pr: PR, limits: NO_BUDGET });
    expect(await cli(captureIo(dir, env), 'run', 'v1.yaml')).toBe(0);
    const alice = await humanClone(forge, 'acme/svc-1', HUMAN_TOKEN, BRANCH);
    await alice.commit({ 'FIX.md': 'fixed by hand\n' }, '', { amend: true });
    await alice.push({ force: true });
    const humanTip = await forgeBranchSha(forge, 'acme/svc-1', BRANCH);

    await writeForgeJob(dir, 'v2.yaml', forge, { repos, pr: { ...PR, body: 'v2' }, limits: NO_BUDGET });
    const io = captureIo(dir, env);
    const code = await cli(io, 'run', 'v2.yaml');

    expect(code).toBe(1);
    expect(io.out()).toMatch(/edited by a human/);
    expect(await forgeBranchSha(forge, 'acme/svc-1', BRANCH)).toBe(humanTip);
    expect(forge.pulls('acme/svc-1')).toMatchObject([{ state: 'open', body: 'v1' }]);
  });
});

describe('write pacing on the wire', () => {
  it('keeps mutating requests at least one second apart and within the budget', async () => {
    const { forge, dir, repos } = await fleet(3);
    // Real one-second spacing; the budget is 3 writes per window, with the window shrunk from a minute to 4 s.
    const pacing = JSON.stringify({ notificationGapMs: 1_000, minuteMs: 4_000, retryBaseMs: 50 });
    await writeForgeJob(dir, 'job.yaml', forge, { repos, pr: PR, limits: { concurrency: 3, 'github-writes': 3 } });
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: pacing }));

    const code = await cli(io, 'run', 'job.yaml');

    expect(code, io.out() + io.err()).toBe(0);
    expect(forge.pulls()).toHaveLength(3);
    const writes = forge.monitor.writes();
    expect(writes).toHaveLength(9);
    expect(forge.monitor.minWriteGap()).toBeGreaterThanOrEqual(1_000);
    // Without the budget, one-second spacing would put 4 writes in a 4 s window; the run said it waited.
    expect(forge.monitor.maxWritesWithin(4_000)).toBeLessThanOrEqual(3);
    expect(io.out()).toMatch(/GitHub write budget of the minute is used up \(3 requests\); waiting \d+s/);
  });
});

describe('fleetmod status --refresh', () => {
  it('reads each PR\'s state, review decision and checks into the journal and prints them; the report shows them too', async () => {
    const { forge, dir, repos } = await fleet(3, { distinct: true });
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
    await writeForgeJob(dir, 'job.yaml', forge, { repos, pr: PR, limits: NO_BUDGET });
    expect(await cli(captureIo(dir, env), 'run', 'job.yaml')).toBe(0);
    const [one, two, three] = ['svc-1', 'svc-2', 'svc-3'].map((n) => forge.pulls(`acme/${n}`)[0]!);
    one!.state = 'closed';
    one!.mergedAt = '2025-03-04T05:06:07Z';
    one!.reviews.push({ user: 'alice', state: 'APPROVED' });
    one!.requestedReviewers = [];
    two!.reviews.push({ user: 'alice', state: 'CHANGES_REQUESTED' });
    const sha2 = await branchSha(forge.state.barePath(forge.state.repo('acme', 'svc-2')!), BRANCH);
    forge.state.checkRuns.set(sha2!, [{ name: 'ci', status: 'completed', conclusion: 'failure' }]);
    three!.draft = true;
    const sha3 = await branchSha(forge.state.barePath(forge.state.repo('acme', 'svc-3')!), BRANCH);
    forge.state.statuses.set(sha3!, [{ context: 'ci', state: 'pending' }]);

    const before = captureIo(dir, env);
    expect(await cli(before, 'status')).toBe(0);
    const refresh = captureIo(dir, env);
    expect(await cli(refresh, 'status', '--refresh')).toBe(0);
    const offline = captureIo(dir, testEnv());
    expect(await cli(offline, 'status', '--json')).toBe(0);
    const report = captureIo(dir, testEnv());
    expect(await cli(report, 'report')).toBe(0);

    expect(before.out()).toMatch(/acme\/svc-1\s+pr-opened\s+open\s+-\s+-\s+at run time\s+http\S+\/acme\/svc-1\/pull\/1\n/);
    expect(refresh.out()).toContain('3 pull requests (1 merged, 1 open, 1 draft)');
    expect(refresh.out()).toMatch(/acme\/svc-1\s+pr-opened\s+merged\s+approved\s+-\s+just now\s+http\S+\/acme\/svc-1\/pull\/1\n/);
    expect(refresh.out()).toMatch(/acme\/svc-2\s+pr-opened\s+open\s+changes-requested\s+failure\s/);
    expect(refresh.out()).toMatch(/acme\/svc-3\s+pr-opened\s+draft\s+review-required\s+pending\s/);
    const stored = offline.out().trim().split('\n').map((l) => JSON.parse(l) as { repo: string; pr: Record<string, unknown> });
    expect(stored.map((s) => [s.repo, s.pr.state, s.pr.review, s.pr.checks, s.pr.mergedAt])).toEqual([
      ['acme/svc-1', 'merged', 'approved', null, '2025-03-04T05:06:07.000Z'],
      ['acme/svc-2', 'open', 'changes-requested', 'failure', null],
      ['acme/svc-3', 'draft', 'review-required', 'pending', null],
    ]);
    expect(report.out()).toMatch(/acme\/svc-1 +#1 merged +checks none, review approved/);
    expect(report.out()).toMatch(/acme\/svc-2 +#1 open +checks failure, review changes-requested/);
    expect(report.out()).toMatch(/acme\/svc-3 +#1 draft +checks pending, review review-required/);
    expect(forge.monitor.violations).toEqual([]);
  });
});
