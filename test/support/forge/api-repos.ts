/** Forge handlers for repositories: read one, list an org's or user's, search, fork; the user; the App. */
import { randomBytes } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { refsOf } from './git-backend.js';
import { notFound, page, type ApiContext, type Reply, type Route } from './api.js';
import type { ForgeRepo, ForgeState } from './state.js';

export function repoJson(ctx: ApiContext, repo: ForgeRepo, extra: { size?: number; withParent?: boolean } = {}): Record<string, unknown> {
  const { state } = ctx;
  const full = state.fullName(repo);
  const push = ctx.login ? state.canPush(repo, ctx.login) : false;
  const parent = repo.parent ? state.repo(...(repo.parent.split('/') as [string, string])) : undefined;
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    owner: { login: repo.owner, id: 1, type: state.orgs.has(repo.owner.toLowerCase()) ? 'Organization' : 'User' },
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: `${ctx.urls.server}/${full}`,
    url: `${ctx.urls.api}/repos/${full}`,
    clone_url: `${ctx.urls.server}/${full}.git`,
    description: null,
    fork: Boolean(repo.parent),
    default_branch: repo.defaultBranch,
    archived: repo.archived,
    disabled: repo.disabled,
    topics: repo.topics,
    size: extra.size ?? 1,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    pushed_at: '2024-01-01T00:00:00Z',
    ...(ctx.login && { permissions: { admin: push && ctx.login === repo.owner, maintain: push, push, triage: true, pull: true } }),
    ...(extra.withParent && parent && { parent: repoJson(ctx, parent), source: repoJson(ctx, parent) }),
  };
}

const visible = (state: ForgeState, login: string | undefined) => (r: ForgeRepo) => state.canRead(r, login);

/** GitHub's size (in KB) is 0 for a repository without commits, as it is in every answer that carries a repository. */
async function sizeOf(ctx: ApiContext, repo: ForgeRepo): Promise<number> {
  const heads = [...(await refsOf(ctx.state.barePath(repo))).keys()].filter((r) => r.startsWith('refs/heads/'));
  return heads.length === 0 ? 0 : 42;
}

async function getRepo(ctx: ApiContext): Promise<Reply> {
  const repo = ctx.state.repo(ctx.params.owner as string, ctx.params.repo as string);
  if (!repo || !ctx.state.canRead(repo, ctx.login)) return notFound();
  return { status: 200, body: repoJson(ctx, repo, { size: await sizeOf(ctx, repo), withParent: true }) };
}

function listFor(owner: (ctx: ApiContext) => string | undefined) {
  return async (ctx: ApiContext): Promise<Reply> => {
    const who = owner(ctx);
    if (!who) return { status: 401, body: { message: 'Requires authentication' } };
    const repos = [...ctx.state.repos.values()]
      .filter((r) => r.owner.toLowerCase() === who.toLowerCase())
      .filter(visible(ctx.state, ctx.login))
      .sort((a, b) => a.name.localeCompare(b.name));
    const items = await Promise.all(repos.map(async (r) => repoJson(ctx, r, { size: await sizeOf(ctx, r) })));
    const { body, headers } = page(items, ctx);
    return { status: 200, body, headers };
  };
}

/** GitHub's repository search, for the qualifiers fleetmod uses: org:, user:, topic:, archived:, fork:, and words in the name. */
async function search(ctx: ApiContext): Promise<Reply> {
  const terms = (ctx.query.get('q') ?? '').split(/\s+/).filter(Boolean);
  let repos = [...ctx.state.repos.values()].filter(visible(ctx.state, ctx.login));
  let forks: 'true' | 'only' | 'false' = 'false';
  for (const term of terms) {
    const [qualifier, value = ''] = term.includes(':') ? (term.split(/:(.*)/s, 2) as [string, string]) : ['', term];
    if (qualifier === 'org' || qualifier === 'user') repos = repos.filter((r) => r.owner.toLowerCase() === value.toLowerCase());
    else if (qualifier === 'topic') repos = repos.filter((r) => r.topics.includes(value.toLowerCase()));
    else if (qualifier === 'archived') repos = repos.filter((r) => r.archived === (value === 'true'));
    else if (qualifier === 'fork') forks = value === 'only' ? 'only' : value === 'true' ? 'true' : 'false';
    else repos = repos.filter((r) => r.name.toLowerCase().includes(term.toLowerCase()));
  }
  repos = repos.filter((r) => (forks === 'only' ? Boolean(r.parent) : forks === 'true' ? true : !r.parent));
  const items = await Promise.all(repos.sort((a, b) => a.name.localeCompare(b.name)).map(async (r) => repoJson(ctx, r, { size: await sizeOf(ctx, r) })));
  const { body, headers } = page(items, ctx);
  return { status: 200, body: { total_count: items.length, incomplete_results: false, items: body }, headers };
}

async function fork(ctx: ApiContext): Promise<Reply> {
  const { state } = ctx;
  const upstream = state.repo(ctx.params.owner as string, ctx.params.repo as string);
  if (!upstream || !state.canRead(upstream, ctx.login)) return notFound();
  if (!ctx.login || ctx.login.startsWith('app/')) return { status: 403, body: { message: 'Resource not accessible by integration' } };
  const body = (ctx.body ?? {}) as { organization?: string; name?: string };
  const owner = body.organization ?? ctx.login;
  const name = body.name ?? upstream.name;
  const existing = state.repo(owner, name);
  if (existing) {
    if (existing.parent?.toLowerCase() === state.fullName(upstream).toLowerCase()) return { status: 202, body: repoJson(ctx, existing, { withParent: true }) };
    return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Repository', code: 'custom', message: `${owner}/${name} already exists` }] } };
  }
  const created: ForgeRepo = { ...upstream, id: state.id(), owner, name, private: upstream.private, archived: false, parent: state.fullName(upstream), pushers: new Set(), nextNumber: 1, topics: [] };
  await cp(state.barePath(upstream), state.barePath(created), { recursive: true });
  state.repos.set(state.key(owner, name), created);
  return { status: 202, body: repoJson(ctx, created, { withParent: true }) };
}

function installation(kind: 'org' | 'username') {
  return (ctx: ApiContext): Reply => {
    const account = ctx.params[kind] as string;
    const id = ctx.state.app?.installations.get(account.toLowerCase());
    if (id === undefined) return notFound();
    return { status: 200, body: { id, account: { login: account }, app_id: Number(ctx.state.app?.id), target_type: kind === 'org' ? 'Organization' : 'User' } };
  };
}

function installationToken(ctx: ApiContext): Reply {
  const app = ctx.state.app;
  const id = Number(ctx.params.installation_id);
  if (!app || ![...app.installations.values()].includes(id)) return notFound();
  const token = `ghs_forge${randomBytes(16).toString('hex')}`;
  const expiresAt = Date.now() + app.tokenLifetimeMs;
  ctx.state.addToken(token, `app/fleetmod-installation-${id}`, expiresAt);
  ctx.state.issuedTokens.push(token);
  return { status: 201, body: { token, expires_at: new Date(expiresAt).toISOString(), permissions: { contents: 'write', pull_requests: 'write' }, repository_selection: 'all' } };
}

export const repoRoutes: Route[] = [
  { operation: 'GET /repos/{owner}/{repo}', handler: getRepo },
  { operation: 'POST /repos/{owner}/{repo}/forks', handler: fork },
  { operation: 'GET /orgs/{org}/repos', handler: listFor((ctx) => ctx.params.org) },
  { operation: 'GET /users/{username}/repos', handler: listFor((ctx) => ctx.params.username) },
  { operation: 'GET /user/repos', handler: listFor((ctx) => ctx.login) },
  { operation: 'GET /search/repositories', handler: search },
  {
    operation: 'GET /user',
    handler: (ctx) => (ctx.login ? { status: 200, body: { login: ctx.login, id: 7, type: 'User' } } : { status: 401, body: { message: 'Requires authentication' } }),
  },
  { operation: 'GET /orgs/{org}/installation', handler: installation('org'), app: true },
  { operation: 'GET /users/{username}/installation', handler: installation('username'), app: true },
  { operation: 'POST /app/installations/{installation_id}/access_tokens', handler: installationToken, app: true },
];
