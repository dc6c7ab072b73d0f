/**
 * The GitHub CodeHost at its interface, against the local forge: preflight (skip reasons, fork mode), the PR as
 * a diff (create, adopt, update, unchanged), GitHub's 422 answers, close, status, and App authentication.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RepoRef } from '../../../src/domain/repo.js';
import { CodeHostFailed, RepoInvalid } from '../../../src/domain/errors.js';
import type { PullRequestRequest } from '../../../src/codehost/types.js';
import { createSelectorResolver } from '../../../src/codehost/github/selector-resolver.js';
import { startForge, type Forge } from '../../support/forge/forge.js';
import { forgeHost } from '../../support/forge/host.js';
import { git } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_hostTestToken0000000000000000000001';
const BRANCH = 'fleetmod/rename';

function ref(forge: Forge, owner: string, name: string): RepoRef {
  return { key: `${owner}/${name}`, url: `${forge.url}/${owner}/${name}.git`, kind: 'github', owner, name, display: `${owner}/${name}`, env: {} };
}

async function forgeWithBot(): Promise<Forge> {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  for (const login of ['alice', 'bob']) forge.state.addUser(login);
  forge.state.orgs.set('acme', new Set(['platform']));
  return forge;
}

/** Pushes a one-commit change branch to a forge repository, as fleetmod's push stage would. */
async function pushBranch(forge: Forge, owner: string, name: string, branch = BRANCH): Promise<string> {
  const dir = await tempDir('fleetmod-push-');
  const auth = `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  await git(dir, '-c', auth, 'clone', '--quiet', `${forge.url}/${owner}/${name}.git`, 'w');
  const work = `${dir}/w`;
  await git(work, 'checkout', '--quiet', '-b', branch);
  await git(work, '-c', 'user.name=bot', '-c', 'user.email=bot@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'change');
  await git(work, '-c', auth, 'push', '--quiet', 'origin', branch);
  return (await git(work, 'rev-parse', 'HEAD')).trim();
}

function request(forge: Forge, owner: string, name: string, extra: Partial<PullRequestRequest> = {}): PullRequestRequest {
  return {
    repo: ref(forge, owner, name),
    base: 'main',
    branch: BRANCH,
    headOwner: owner,
    title: 'Rename fetchData',
    body: 'Body v1',
    draft: false,
    labels: ['automated', 'deps'],
    reviewers: ['alice'],
    teamReviewers: ['platform'],
    assignees: ['bob'],
    ...extra,
  };
}

describe('preflight (inspect)', () => {
  it('reports the default branch and turns archived, disabled, empty and read-only repos into skip reasons', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'ok', defaultBranch: 'trunk' });
    await forge.createRepo({ owner: 'acme', name: 'old', archived: true });
    await forge.createRepo({ owner: 'acme', name: 'off', disabled: true });
    await forge.createRepo({ owner: 'acme', name: 'blank', empty: true });
    await forge.createRepo({ owner: 'acme', name: 'locked', pushers: [] });
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { fork: 'never' });

    const ok = await host.inspect(ref(forge, 'acme', 'ok'));
    const skips = await Promise.all(['old', 'off', 'blank', 'locked'].map(async (n) => (await host.inspect(ref(forge, 'acme', n))).skipReason));

    expect(ok).toEqual({ defaultBranch: 'trunk', pushUrl: `${forge.url}/acme/ok.git`, headOwner: 'acme' });
    expect(skips).toEqual(['archived on GitHub (read-only)', 'disabled on GitHub', 'empty repository (no branches)', 'no push permission (github.fork: never)']);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('forks a repository the identity cannot push to (fork: auto), once, and pushes there', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'locked', pushers: [] });
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });

    const first = await host.inspect(ref(forge, 'acme', 'locked'));
    const again = await host.inspect(ref(forge, 'acme', 'locked'));

    expect(first).toEqual({ defaultBranch: 'main', pushUrl: `${forge.url}/fleetmod-bot/locked.git`, headOwner: 'fleetmod-bot' });
    expect(again).toEqual(first);
    expect(forge.state.repo('fleetmod-bot', 'locked')?.parent).toBe('acme/locked');
    expect(forge.monitor.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/forks'))).toHaveLength(1);

    // The PR goes from the fork's branch to the upstream repository.
    await pushBranch(forge, 'fleetmod-bot', 'locked');
    const ensured = await host.ensurePullRequest!(request(forge, 'acme', 'locked', { headOwner: 'fleetmod-bot' }), null);
    expect(ensured.action).toBe('opened');
    expect(forge.pulls('acme/locked')).toMatchObject([{ headOwner: 'fleetmod-bot', headRef: BRANCH, base: 'main' }]);
    expect(await host.findPullRequest!(ref(forge, 'acme', 'locked'), 'fleetmod-bot', BRANCH, 'main')).toMatchObject({ number: ensured.pr.number });
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('pull requests as a diff', () => {
  it('opens the PR with its metadata, then writes nothing when nothing changed and only the difference when something did', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await pushBranch(forge, 'acme', 'svc');
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });
    const writes = () => forge.monitor.writes().map((c) => `${c.method} ${c.operation}`);

    const opened = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), null);
    const afterOpen = writes();
    const found = await host.findPullRequest!(ref(forge, 'acme', 'svc'), 'acme', BRANCH, 'main');
    const unchanged = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), found);
    const afterUnchanged = writes();
    forge.state.pulls[0]!.reviews.push({ user: 'alice', state: 'APPROVED' });
    forge.state.pulls[0]!.requestedReviewers = [];
    const updated = await host.ensurePullRequest!(request(forge, 'acme', 'svc', { body: 'Body v2', labels: ['automated', 'deps', 'wave-2'] }), found);

    expect(opened.action).toBe('opened');
    expect(opened.warnings).toEqual([]);
    expect(forge.pulls('acme/svc')).toHaveLength(1);
    expect(afterOpen).toEqual([
      'POST POST /repos/{owner}/{repo}/pulls',
      'POST POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
      'POST POST /repos/{owner}/{repo}/issues/{issue_number}/assignees',
      'POST POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    ]);
    expect(unchanged.action).toBe('unchanged');
    expect(afterUnchanged).toEqual(afterOpen);
    // alice already reviewed: she is not asked again (that would reset her approval).
    expect(updated.action).toBe('updated');
    expect(writes().slice(afterOpen.length)).toEqual([
      'PATCH PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
      'POST POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
    expect(forge.pulls('acme/svc')[0]).toMatchObject({
      title: 'Rename fetchData',
      body: 'Body v2',
      labels: ['automated', 'deps', 'wave-2'],
      assignees: ['bob'],
      requestedTeams: ['platform'],
      requestedReviewers: [],
      author: 'fleetmod-bot',
    });
    expect(forge.monitor.violations).toEqual([]);
  });

  it('adopts the PR when GitHub answers "A pull request already exists" (a race or a lost answer)', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await pushBranch(forge, 'acme', 'svc');
    forge.faults.add({ method: 'POST', path: /\/pulls$/, answer: { kind: 'already-exists' } });
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });

    const ensured = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), null);

    expect(ensured.action).toBe('updated');
    expect(forge.pulls('acme/svc')).toHaveLength(1);
    expect(ensured.pr.number).toBe(forge.pulls('acme/svc')[0]!.number);
    expect(forge.pulls('acme/svc')[0]!.labels).toEqual(['automated', 'deps']);
  });

  it('handles the other 422s: no drafts, bad reviewers and teams, the author as reviewer, a missing base', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'nodraft', draftsSupported: false });
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await pushBranch(forge, 'acme', 'nodraft');
    await pushBranch(forge, 'acme', 'svc');
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });

    const draft = await host.ensurePullRequest!(request(forge, 'acme', 'nodraft', { draft: true, reviewers: [], teamReviewers: [] }), null);
    const people = await host.ensurePullRequest!(
      request(forge, 'acme', 'svc', { reviewers: ['alice', 'mallory', 'fleetmod-bot'], teamReviewers: ['ghosts'], assignees: ['bob', 'nobody'] }),
      null,
    );
    const noBase = host.ensurePullRequest!(request(forge, 'acme', 'svc', { base: 'does-not-exist', branch: 'other' }), null);

    expect(draft.action).toBe('opened');
    expect(draft.pr.draft).toBe(false);
    expect(draft.warnings).toEqual(['acme/nodraft does not support draft pull requests; opened a regular one']);
    expect(people.action).toBe('opened');
    expect(people.warnings).toEqual([
      'nobody could not be assigned to ' + people.pr.url + ' (not a collaborator?)',
      `not requesting a review from fleetmod-bot: they opened ${people.pr.url}`,
      expect.stringMatching(/^review could not be requested from mallory on .*: Reviews may only be requested from collaborators/),
      expect.stringMatching(/^review could not be requested from team ghosts on .*Could not resolve to a node/),
    ]);
    // One unknown reviewer does not cost the others their request.
    expect(forge.pulls('acme/svc')[0]!.requestedReviewers).toEqual(['alice']);
    await expect(noBase).rejects.toBeInstanceOf(RepoInvalid);
    await expect(noBase).rejects.toThrow('base branch "does-not-exist" does not exist on acme/svc');
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('close and status', () => {
  it('closes a PR with a comment, and reads state, draft, review decision and checks', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    const sha = await pushBranch(forge, 'acme', 'svc');
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });
    const { pr } = await host.ensurePullRequest!(request(forge, 'acme', 'svc', { draft: true }), null);
    const repo = ref(forge, 'acme', 'svc');

    const requested = await host.pullRequestStatus!(repo, pr.number);
    forge.state.statuses.set(sha, [{ context: 'ci', state: 'success' }]);
    forge.state.checkRuns.set(sha, [{ name: 'lint', status: 'in_progress', conclusion: null }]);
    forge.state.pulls[0]!.reviews.push({ user: 'alice', state: 'CHANGES_REQUESTED' });
    const blocked = await host.pullRequestStatus!(repo, pr.number);
    forge.state.checkRuns.set(sha, [{ name: 'lint', status: 'completed', conclusion: 'failure' }]);
    forge.state.pulls[0]!.reviews.push({ user: 'alice', state: 'APPROVED' });
    forge.state.pulls[0]!.requestedReviewers = [];
    forge.state.pulls[0]!.requestedTeams = [];
    const approved = await host.pullRequestStatus!(repo, pr.number);
    forge.state.pulls[0]!.mergedAt = '2025-01-02T03:04:05Z';
    forge.state.pulls[0]!.state = 'closed';
    forge.state.checkRuns.set(sha, [{ name: 'lint', status: 'completed', conclusion: 'success' }]);
    const merged = await host.pullRequestStatus!(repo, pr.number);

    expect(requested).toEqual({ state: 'open', draft: true, reviewDecision: 'review-required', checks: null, mergedAt: null });
    expect(blocked).toMatchObject({ reviewDecision: 'changes-requested', checks: 'pending' });
    expect(approved).toMatchObject({ reviewDecision: 'approved', checks: 'failure' });
    expect(merged).toEqual({ state: 'merged', draft: true, reviewDecision: 'approved', checks: 'success', mergedAt: '2025-01-02T03:04:05Z' });

    const other = await forge.createRepo({ owner: 'acme', name: 'other' });
    await pushBranch(forge, 'acme', 'other');
    const open = await host.ensurePullRequest!(request(forge, 'acme', other.name), null);
    await host.closePullRequest!(ref(forge, 'acme', 'other'), open.pr, 'no longer needed');
    expect(forge.pulls('acme/other')[0]).toMatchObject({ state: 'closed', comments: [{ user: 'fleetmod-bot', body: 'no longer needed' }] });
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('GitHub App authentication', () => {
  it('finds the installation per owner, pushes with an installation token, refreshes it when it is about to expire, and redacts it', async () => {
    const forge = await forgeWithBot();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    forge.state.app = {
      id: '4242',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: new Map([['acme', 77]]),
      tokenLifetimeMs: 4 * 60_000,
    };
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    const { host, redactor } = forgeHost(forge, { kind: 'app', appId: '4242', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const repo = ref(forge, 'acme', 'svc');

    const info = await host.inspect(repo);
    const first = await host.gitAuth(repo);
    const second = await host.gitAuth(repo);

    expect(info.skipReason).toBeUndefined();
    const tokenIn = (header: string | undefined) => Buffer.from((header ?? '').replace('Authorization: Basic ', ''), 'base64').toString().replace('x-access-token:', '');
    // Tokens that expire within five minutes are replaced before git gets them.
    expect(forge.state.issuedTokens).toContain(tokenIn(first?.header));
    expect(forge.state.issuedTokens).toContain(tokenIn(second?.header));
    expect(tokenIn(first?.header)).not.toBe(tokenIn(second?.header));
    for (const t of forge.state.issuedTokens.filter((t) => t === tokenIn(first?.header) || t === tokenIn(second?.header))) {
      expect(redactor.redact(`push with ${t}`)).toBe('push with ***');
    }
    const dir = await tempDir('fleetmod-app-push-');
    await git(dir, '-c', `http.extraHeader=${second?.header}`, 'clone', '--quiet', repo.url, 'w');
    await git(`${dir}/w`, 'checkout', '--quiet', '-b', BRANCH);
    await git(`${dir}/w`, '-c', 'user.name=bot', '-c', 'user.email=b@x', 'commit', '--quiet', '--allow-empty', '-m', 'c');
    await git(`${dir}/w`, '-c', `http.extraHeader=${second?.header}`, 'push', '--quiet', 'origin', BRANCH);
    const { pr } = await host.ensurePullRequest!(request(forge, 'acme', 'svc', { reviewers: [], teamReviewers: [], assignees: [] }), null);
    expect(forge.pulls('acme/svc')).toMatchObject([{ number: pr.number, author: 'app/fleetmod-installation-77' }]);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('github: selectors', () => {
  it('lists an org (with archived and fork flags), filters topics, and runs searches', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'api', topics: ['node', 'service'] });
    await forge.createRepo({ owner: 'acme', name: 'web', topics: ['node'] });
    await forge.createRepo({ owner: 'acme', name: 'legacy', archived: true, topics: ['service'] });
    await forge.createRepo({ owner: 'other', name: 'tool' });
    const { sessions } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });
    const resolver = createSelectorResolver(sessions);
    const base = { topics: [], include: [], exclude: [], archived: false, forks: false };

    const org = await resolver.resolve({ ...base, org: 'acme' });
    const topics = await resolver.resolve({ ...base, org: 'acme', topics: ['service'] });
    const search = await resolver.resolve({ ...base, search: 'org:acme topic:node' });

    expect(org.map((r) => [r.name, r.archived, r.fork])).toEqual([['api', false, false], ['legacy', true, false], ['web', false, false]]);
    expect(topics.map((r) => r.name)).toEqual(['api', 'legacy']);
    expect(search.map((r) => `${r.owner}/${r.name}`)).toEqual(['acme/api', 'acme/web']);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('refusals and server errors', () => {
  it('retries a 502 with backoff, a secondary limit (403 or 429) once after the pause, an exhausted primary window after its reset', async () => {
    const forge = await forgeWithBot();
    for (const name of ['a', 'b', 'c', 'd']) await forge.createRepo({ owner: 'acme', name });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/a$/, answer: { kind: 'status', status: 502 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/b$/, answer: { kind: 'secondary', status: 429 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/c$/, answer: { kind: 'secondary', retryAfter: 1 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/d$/, answer: { kind: 'primary', resetInSeconds: 1 } });
    const { host, pauses } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { secondaryFallbackSeconds: 0.5 } });
    const hits = (name: string) => forge.monitor.byArrival().filter((c) => c.path === `/repos/acme/${name}`);

    for (const name of ['a', 'b', 'c', 'd']) expect((await host.inspect(ref(forge, 'acme', name))).skipReason).toBeUndefined();

    expect(hits('a').map((c) => c.status)).toEqual([502, 200]);
    // 429 is the throttling plugin's: one retry after the pause, not plugin-retry's three blind ones on top.
    expect(hits('b').map((c) => c.status)).toEqual([429, 200]);
    expect(hits('b')[1]!.at - hits('b')[0]!.at).toBeGreaterThanOrEqual(500);
    expect(hits('c').map((c) => c.status)).toEqual([403, 200]);
    expect(hits('c')[1]!.at - hits('c')[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(hits('d').map((c) => c.status)).toEqual([403, 200]);
    expect(pauses.map((p) => p.reason)).toEqual([
      'secondary rate limit (HTTP 429, no retry-after)',
      'secondary rate limit (HTTP 403, retry-after 1s)',
      'primary rate limit used up (HTTP 403)',
    ]);
  });

  it('gives up on a request GitHub keeps refusing after three retries, as a transient failure, waiting longer each time', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'a' });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/a$/, times: 10, answer: { kind: 'secondary' } });
    const { host, pauses } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { secondaryFallbackSeconds: 0.2 } });

    const failed = host.inspect(ref(forge, 'acme', 'a'));

    await expect(failed).rejects.toBeInstanceOf(CodeHostFailed);
    await expect(failed).rejects.toMatchObject({ errorClass: 'transient', status: 403 });
    await expect(failed).rejects.toThrow('was refused by a rate limit after retries');
    expect(forge.monitor.calls.filter((c) => c.path === '/repos/acme/a')).toHaveLength(4);
    expect(pauses.map((p) => p.waitMs)).toEqual([200, 400, 800, 1_600]);
  });
});
