/**
 * Forge handlers for pull requests and what hangs off them: list/create/read/update, labels, assignees,
 * requested reviewers, reviews, comments, and the head commit's statuses and check runs. Validation answers are
 * GitHub's own (422 messages fleetmod has to recognise).
 */
import { git } from '../git.js';
import { headSha as branchSha } from './git-backend.js';
import { notFound, page, validationFailed, type ApiContext, type Reply, type Route } from './api.js';
import { repoJson } from './api-repos.js';
import type { ForgePull, ForgeRepo, ForgeState } from './state.js';

const NOT_COLLABORATOR = (full: string) =>
  `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${full} repository.`;

function target(ctx: ApiContext): ForgeRepo | undefined {
  const repo = ctx.state.repo(ctx.params.owner as string, ctx.params.repo as string);
  return repo && ctx.state.canRead(repo, ctx.login) ? repo : undefined;
}

function pullIn(ctx: ApiContext, repo: ForgeRepo, key: 'pull_number' | 'issue_number'): ForgePull | undefined {
  const number = Number(ctx.params[key]);
  return ctx.state.pullsOf(repo).find((p) => p.number === number);
}

function headRepoOf(state: ForgeState, pull: ForgePull): ForgeRepo | undefined {
  return state.repo(...(pull.headRepo.split('/') as [string, string]));
}

export async function pullJson(ctx: ApiContext, repo: ForgeRepo, pull: ForgePull): Promise<Record<string, unknown>> {
  const { state } = ctx;
  const headRepo = headRepoOf(state, pull);
  const headSha = headRepo ? await branchSha(state.barePath(headRepo), pull.headRef) : null;
  const baseSha = await branchSha(state.barePath(repo), pull.base);
  const full = state.fullName(repo);
  return {
    id: pull.id,
    node_id: `PR_${pull.id}`,
    number: pull.number,
    url: `${ctx.urls.api}/repos/${full}/pulls/${pull.number}`,
    html_url: `${ctx.urls.server}/${full}/pull/${pull.number}`,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    merged: pull.mergedAt !== null,
    merged_at: pull.mergedAt,
    closed_at: pull.closedAt,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    user: { login: pull.author, type: 'User' },
    labels: pull.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })),
    assignee: pull.assignees[0] ? { login: pull.assignees[0] } : null,
    assignees: pull.assignees.map((login) => ({ login })),
    requested_reviewers: pull.requestedReviewers.map((login) => ({ login })),
    requested_teams: pull.requestedTeams.map((slug) => ({ slug, name: slug })),
    head: { label: `${pull.headOwner}:${pull.headRef}`, ref: pull.headRef, sha: headSha, user: { login: pull.headOwner }, repo: headRepo ? repoJson(ctx, headRepo) : null },
    base: { label: `${repo.owner}:${pull.base}`, ref: pull.base, sha: baseSha, user: { login: repo.owner }, repo: repoJson(ctx, repo) },
  };
}

async function listPulls(ctx: ApiContext): Promise<Reply> {
  const repo = target(ctx);
  if (!repo) return notFound();
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  const pulls = ctx.state
    .pullsOf(repo)
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => !head || `${p.headOwner}:${p.headRef}`.toLowerCase() === (head.includes(':') ? head : `${repo.owner}:${head}`).toLowerCase())
    .filter((p) => !base || p.base === base)
    .sort((a, b) => b.number - a.number);
  const { body, headers } = page(pulls, ctx);
  return { status: 200, body: await Promise.all(body.map((p) => pullJson(ctx, repo, p))), headers };
}

async function createPull(ctx: ApiContext): Promise<Reply> {
  const { state } = ctx;
  const repo = target(ctx);
  if (!repo) return notFound();
  if (!ctx.login) return { status: 401, body: { message: 'Requires authentication' } };
  const want = ctx.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
  const [headOwner, headRef] = want.head.includes(':') ? (want.head.split(/:(.*)/s, 2) as [string, string]) : [repo.owner, want.head];
  const headRepo =
    state.repo(headOwner, repo.name) ??
    [...state.repos.values()].find((r) => r.owner.toLowerCase() === headOwner.toLowerCase() && r.parent?.toLowerCase() === state.fullName(repo).toLowerCase());
  const headSha = headRepo ? await branchSha(state.barePath(headRepo), headRef) : null;
  const baseSha = await branchSha(state.barePath(repo), want.base);
  if (!baseSha) return validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  if (!headRepo || !headSha) return validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  const open = state.pullsOf(repo).find((p) => p.state === 'open' && p.base === want.base && `${p.headOwner}:${p.headRef}`.toLowerCase() === `${headOwner}:${headRef}`.toLowerCase());
  if (open) return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headOwner}:${headRef}.` }]);
  if (want.draft && !repo.draftsSupported) return validationFailed([{ resource: 'PullRequest', code: 'custom', message: 'Draft pull requests are not supported in this repository.' }]);
  const ahead = await git(state.barePath(headRepo), 'rev-list', '--count', `${baseSha}..${headSha}`).catch(() => '1');
  if (Number(ahead.trim()) === 0) return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${want.base} and ${headRef}` }]);

  const now = new Date().toISOString();
  const pull: ForgePull = {
    id: state.id(),
    number: repo.nextNumber++,
    repo: state.fullName(repo),
    title: want.title ?? headRef,
    body: want.body ?? '',
    state: 'open',
    mergedAt: null,
    closedAt: null,
    draft: Boolean(want.draft),
    author: ctx.login,
    headOwner: headRepo.owner,
    headRepo: state.fullName(headRepo),
    headRef,
    base: want.base,
    labels: [],
    requestedReviewers: [],
    requestedTeams: [],
    assignees: [],
    comments: [],
    reviews: [],
    createdAt: now,
    updatedAt: now,
  };
  state.pulls.push(pull);
  // A lost answer or a race: the PR exists now, but this client hears 422.
  if (ctx.fault?.kind === 'already-exists') {
    return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headOwner}:${headRef}.` }]);
  }
  return { status: 201, body: await pullJson(ctx, repo, pull) };
}

async function getPull(ctx: ApiContext): Promise<Reply> {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'pull_number');
  return repo && pull ? { status: 200, body: await pullJson(ctx, repo, pull) } : notFound();
}

async function updatePull(ctx: ApiContext): Promise<Reply> {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'pull_number');
  if (!repo || !pull) return notFound();
  const patch = (ctx.body ?? {}) as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string };
  if (patch.base !== undefined && !(await branchSha(ctx.state.barePath(repo), patch.base))) {
    return validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  }
  if (patch.title !== undefined) pull.title = patch.title;
  if (patch.body !== undefined) pull.body = patch.body;
  if (patch.base !== undefined) pull.base = patch.base;
  if (patch.state !== undefined && patch.state !== pull.state) {
    pull.state = patch.state;
    pull.closedAt = patch.state === 'closed' ? new Date().toISOString() : null;
  }
  pull.updatedAt = new Date().toISOString();
  return { status: 200, body: await pullJson(ctx, repo, pull) };
}

function addLabels(ctx: ApiContext): Reply {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'issue_number');
  if (!repo || !pull) return notFound();
  const raw = ctx.body as { labels?: (string | { name: string })[] } | undefined;
  for (const label of raw?.labels ?? []) {
    const name = typeof label === 'string' ? label : label.name;
    if (!pull.labels.some((l) => l.toLowerCase() === name.toLowerCase())) pull.labels.push(name);
  }
  return { status: 200, body: pull.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })) };
}

/** Assignees who cannot be assigned are dropped silently, as GitHub does. */
async function addAssignees(ctx: ApiContext): Promise<Reply> {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'issue_number');
  if (!repo || !pull) return notFound();
  for (const login of (ctx.body as { assignees?: string[] } | undefined)?.assignees ?? []) {
    if (ctx.state.users.has(login) && !pull.assignees.includes(login)) pull.assignees.push(login);
  }
  return { status: 201, body: { ...(await pullJson(ctx, repo, pull)), pull_request: {} } };
}

async function requestReviewers(ctx: ApiContext): Promise<Reply> {
  const { state } = ctx;
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'pull_number');
  if (!repo || !pull) return notFound();
  const body = (ctx.body ?? {}) as { reviewers?: string[]; team_reviewers?: string[] };
  const users = body.reviewers ?? [];
  const teams = body.team_reviewers ?? [];
  if (users.some((u) => u.toLowerCase() === pull.author.toLowerCase())) {
    return validationFailed([], 'Review cannot be requested from pull request author.');
  }
  if (users.some((u) => !state.users.has(u))) return validationFailed([], NOT_COLLABORATOR(state.fullName(repo)));
  const known = state.teams(repo.owner);
  const unknownTeam = teams.find((t) => !known.includes(t.toLowerCase()));
  if (unknownTeam) return validationFailed([{ message: `Could not resolve to a node with the global id of '${unknownTeam}'.` }], 'Validation Failed');
  for (const u of users) if (!pull.requestedReviewers.includes(u)) pull.requestedReviewers.push(u);
  for (const t of teams) if (!pull.requestedTeams.includes(t)) pull.requestedTeams.push(t);
  return { status: 201, body: await pullJson(ctx, repo, pull) };
}

function listReviews(ctx: ApiContext): Reply {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'pull_number');
  if (!repo || !pull) return notFound();
  const { body, headers } = page(
    pull.reviews.map((r, i) => ({ id: i + 1, user: { login: r.user }, state: r.state, body: '', submitted_at: pull.updatedAt })),
    ctx,
  );
  return { status: 200, body, headers };
}

function listComments(ctx: ApiContext): Reply {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'issue_number');
  if (!repo || !pull) return notFound();
  const { body, headers } = page(
    pull.comments.map((c, i) => ({ id: i + 1, body: c.body, user: { login: c.user }, html_url: `${ctx.urls.server}/${pull.repo}/pull/${pull.number}#comment-${i + 1}` })),
    ctx,
  );
  return { status: 200, body, headers };
}

function addComment(ctx: ApiContext): Reply {
  const repo = target(ctx);
  const pull = repo && pullIn(ctx, repo, 'issue_number');
  if (!repo || !pull || !ctx.login) return notFound();
  const text = (ctx.body as { body: string }).body;
  pull.comments.push({ user: ctx.login, body: text });
  return { status: 201, body: { id: ctx.state.id(), body: text, user: { login: ctx.login }, html_url: `${ctx.urls.server}/${pull.repo}/pull/${pull.number}#comment` } };
}

function combinedStatus(ctx: ApiContext): Reply {
  if (!target(ctx)) return notFound();
  const statuses = ctx.state.statuses.get(ctx.params.ref as string) ?? [];
  const states = statuses.map((s) => s.state);
  const state = states.some((s) => s === 'failure' || s === 'error') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
  return { status: 200, body: { state, sha: ctx.params.ref, total_count: statuses.length, statuses: statuses.map((s, i) => ({ id: i + 1, context: s.context, state: s.state })) } };
}

function checkRuns(ctx: ApiContext): Reply {
  if (!target(ctx)) return notFound();
  const runs = ctx.state.checkRuns.get(ctx.params.ref as string) ?? [];
  return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r, i) => ({ id: i + 1, head_sha: ctx.params.ref, ...r })) } };
}

export const pullRoutes: Route[] = [
  { operation: 'GET /repos/{owner}/{repo}/pulls', handler: listPulls },
  { operation: 'POST /repos/{owner}/{repo}/pulls', handler: createPull },
  { operation: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', handler: getPull },
  { operation: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', handler: updatePull },
  { operation: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', handler: listReviews },
  { operation: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', handler: requestReviewers },
  { operation: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', handler: addLabels },
  { operation: 'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', handler: addAssignees },
  { operation: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', handler: listComments },
  { operation: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', handler: addComment },
  { operation: 'GET /repos/{owner}/{repo}/commits/{ref}/status', handler: combinedStatus },
  { operation: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs', handler: checkRuns },
];
