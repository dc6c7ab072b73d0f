/**
 * The GitHub CodeHost at its interface, against the local forge: preflight (skip reasons, fork mode), the PR as
 * a diff (create, adopt, update, unchanged), GitHub's 422 answers, close and status.
 */
import { describe, expect, it } from 'vitest';
import { withCloseMarker } from '../../../src/codehost/github/close-marker.js';
import { CodeHostFailed, RepoInvalid } from '../../../src/domain/errors.js';
import { BRANCH, TOKEN, forgeWithBot, pushBranch, ref, request } from '../../support/forge/fixtures.js';
import { forgeHost } from '../../support/forge/host.js';

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
    expect((await host.findPullRequests!(ref(forge, 'acme', 'locked'), 'fleetmod-bot', BRANCH, 'main')).open).toMatchObject({ number: ensured.pr.number });
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('preflight in a dry run', () => {
  it('makes no fork: one that exists is used, a missing one is only named in a note', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'locked', pushers: [] });
    await forge.createRepo({ owner: 'acme', name: 'forked', pushers: [] });
    const forks = () => forge.monitor.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/forks'));
    // A real run made the fork of acme/forked earlier.
    await forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }).host.inspect(ref(forge, 'acme', 'forked'));
    expect(forks()).toHaveLength(1);
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { dryRun: true });

    const missing = await host.inspect(ref(forge, 'acme', 'locked'));
    const existing = await host.inspect(ref(forge, 'acme', 'forked'));

    expect(forks()).toHaveLength(1);
    expect(forge.state.repo('fleetmod-bot', 'locked')).toBeUndefined();
    expect(missing).toEqual({
      defaultBranch: 'main',
      pushUrl: `${forge.url}/acme/locked.git`,
      headOwner: 'fleetmod-bot',
      note: 'dry run: would fork acme/locked to fleetmod-bot (not made: a dry run writes nothing to GitHub)',
    });
    expect(existing).toEqual({ defaultBranch: 'main', pushUrl: `${forge.url}/fleetmod-bot/forked.git`, headOwner: 'fleetmod-bot' });
    expect(forge.monitor.writes()).toHaveLength(1);
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
    const found = (await host.findPullRequests!(ref(forge, 'acme', 'svc'), 'acme', BRANCH, 'main')).open;
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
    // Marked as fleetmod's close, which a later look at the PR tells from one closed by a person (declined).
    expect(forge.pulls('acme/other')[0]).toMatchObject({ state: 'closed', comments: [{ user: 'fleetmod-bot', body: withCloseMarker('no longer needed') }] });
    expect(await host.closedByFleetmod!(ref(forge, 'acme', 'other'), open.pr.number)).toBe(true);
    expect(await host.closedByFleetmod!(repo, pr.number)).toBe(false);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('team reviewers on a re-run', () => {
  it('are not asked again once the PR has a review (GitHub drops a team a member reviewed for); a PR without reviews gets its team back', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await pushBranch(forge, 'acme', 'svc');
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });
    const { pr } = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), null);
    const pull = forge.state.pulls[0]!;
    expect(pull.requestedTeams).toEqual(['platform']);
    const reviewRequests = () => forge.monitor.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/requested_reviewers'));
    const asked = reviewRequests().length;

    // Bob reviews for the team: GitHub takes the team off the list.
    pull.reviews.push({ user: 'bob', state: 'APPROVED' });
    pull.requestedTeams = [];
    const again = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), pr);

    expect(again.action).toBe('unchanged');
    expect(reviewRequests()).toHaveLength(asked);
    expect(pull.requestedTeams).toEqual([]);

    // Without any review, a team someone removed is asked again, as the manifest says.
    await forge.createRepo({ owner: 'acme', name: 'other' });
    await pushBranch(forge, 'acme', 'other');
    const other = await host.ensurePullRequest!(request(forge, 'acme', 'other'), null);
    forge.state.pulls[1]!.requestedTeams = [];
    await host.ensurePullRequest!(request(forge, 'acme', 'other'), other.pr);
    expect(forge.state.pulls[1]!.requestedTeams).toEqual(['platform']);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('a comment whose answer is lost', () => {
  it('is posted once: the POST is not sent again blind, the comments are read instead; a comment GitHub did not make fails', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await pushBranch(forge, 'acme', 'svc');
    const { host } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { retryBaseMs: 1 } });
    const { pr } = await host.ensurePullRequest!(request(forge, 'acme', 'svc'), null);
    const repo = ref(forge, 'acme', 'svc');
    const posts = () => forge.monitor.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/comments'));
    // GitHub makes the comment, and the answer that says so is a 502.
    forge.faults.add({ method: 'POST', path: /\/issues\/\d+\/comments$/, answer: { kind: 'lost-answer', status: 502 } });

    await host.closePullRequest!(repo, pr, 'no longer needed');

    expect(posts()).toHaveLength(1);
    expect(forge.pulls('acme/svc')[0]).toMatchObject({ state: 'closed', comments: [{ body: withCloseMarker('no longer needed') }] });

    // A comment GitHub refused (a 502 before anything was made) is a failure, and nothing was posted twice.
    const other = await forge.createRepo({ owner: 'acme', name: 'other' });
    await pushBranch(forge, 'acme', other.name);
    const open = await host.ensurePullRequest!(request(forge, 'acme', other.name), null);
    forge.faults.add({ method: 'POST', path: /\/issues\/\d+\/comments$/, answer: { kind: 'status', status: 502 } });
    await expect(host.closePullRequest!(ref(forge, 'acme', other.name), open.pr, 'no longer needed')).rejects.toThrow();
    expect(forge.pulls('acme/other')[0]).toMatchObject({ state: 'open', comments: [] });
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('GitHub out of reach', () => {
  it('is a transient failure that says GitHub did not answer, not an HTTP 500, with no request log lines', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    const { host, warnings } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { retryBaseMs: 1 } });
    const repo = ref(forge, 'acme', 'svc');
    await forge.close();

    const failure = await host.inspect(repo).then(
      () => null,
      (err: unknown) => err,
    );

    expect(failure).toBeInstanceOf(CodeHostFailed);
    expect((failure as CodeHostFailed).message).toMatch(/^GitHub: .* failed: no answer from GitHub \(.*ECONNREFUSED.*\)$/);
    expect((failure as CodeHostFailed).errorClass).toBe('transient');
    expect((failure as CodeHostFailed).message).not.toContain('HTTP 500');
    expect(warnings).toEqual([]);
  });
});
