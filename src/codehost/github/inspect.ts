/**
 * Preflight of one repository: `GET /repos/{owner}/{repo}` decides whether fleetmod may work on it (archived,
 * disabled, empty, no permission become skip reasons) and where the branch goes: the repository itself, or the
 * identity's fork when it cannot push there (`github.fork: auto`) or is told to (`always`).
 */
import type { RemoteRepoInfo } from '../types.js';
import type { RepoRef } from '../../domain/repo.js';
import type { GitAuth, HostGit } from '../../git/host-git.js';
import { call, statusOf, toCodeHostError } from './errors.js';
import type { GithubSession } from './sessions.js';
import { CodeHostFailed } from '../../domain/errors.js';

export type ForkMode = 'auto' | 'always' | 'never';

/** The skip reason of an archived repository; `plan` gives it too, from a selector's listing. */
export const ARCHIVED_ON_GITHUB = 'archived on GitHub (read-only)';

export interface InspectContext {
  session: GithubSession;
  serverUrl: string;
  git: HostGit;
  fork: ForkMode;
  gitAuth: GitAuth | undefined;
  /** A dry run writes nothing to GitHub: an existing fork is used, a missing one is not made. */
  dryRun?: boolean;
  /** How often and how long to wait for a new fork to be ready. @default 3000 / 300000 */
  forkPollMs?: number;
  forkTimeoutMs?: number;
}

interface RepoData {
  full_name: string;
  name: string;
  owner: { login: string };
  default_branch?: string;
  archived?: boolean;
  disabled?: boolean;
  fork?: boolean;
  size?: number;
  parent?: { full_name: string };
  permissions?: { push?: boolean; maintain?: boolean; admin?: boolean };
}

export async function inspectRepo(ctx: InspectContext, repo: RepoRef): Promise<RemoteRepoInfo> {
  const { api } = ctx.session;
  const data = (await call(`reading ${repo.key}`, () => api.rest.repos.get({ owner: repo.owner, repo: repo.name }))).data as RepoData;
  // A renamed repository answers under its new name (GitHub redirects); push there directly.
  const pushUrl = `${ctx.serverUrl}/${data.full_name}.git`;
  const defaultBranch = data.default_branch ?? null;
  const same: RemoteRepoInfo = { defaultBranch, pushUrl, headOwner: data.owner.login };
  if (data.archived) return { ...same, skipReason: ARCHIVED_ON_GITHUB };
  if (data.disabled) return { ...same, skipReason: 'disabled on GitHub' };
  // GitHub reports a default branch even for an empty repository; size 0 is the hint, git has the answer.
  if (!defaultBranch || (data.size === 0 && (await ctx.git.remoteDefaultBranch(pushUrl, ctx.gitAuth)) === null)) {
    return { ...same, defaultBranch: null, skipReason: 'empty repository (no branches)' };
  }
  // Without a `permissions` object (App installation tokens) the installation's own permissions decide at push time.
  const canPush = data.permissions ? Boolean(data.permissions.push || data.permissions.maintain || data.permissions.admin) : true;
  if (ctx.fork === 'never' || (ctx.fork === 'auto' && canPush)) {
    if (!canPush) return { ...same, skipReason: 'no push permission (github.fork: never)' };
    const fork = ctx.fork === 'auto' && ctx.session.canFork ? await existingFork(ctx, data) : null;
    return fork ? { ...same, forkHead: { pushUrl: `${ctx.serverUrl}/${fork.full_name}.git`, headOwner: fork.owner.login } } : same;
  }
  if (!ctx.session.canFork) {
    return canPush && ctx.fork === 'always'
      ? { ...same, skipReason: 'github.fork: always, but a GitHub App cannot own forks' }
      : { ...same, skipReason: 'no push permission, and a GitHub App cannot push to a fork' };
  }
  const fork = await ensureFork(ctx, data);
  if ('wouldFork' in fork) {
    // Nothing of a fork that does not exist can be looked at; the upstream answers for it (no such branch there, no PR
    // from the would-be fork's owner), and nothing is pushed in a dry run.
    return { ...same, headOwner: fork.login, note: `dry run: would fork ${data.full_name} to ${fork.login} (not made: a dry run writes nothing to GitHub)` };
  }
  return { defaultBranch, pushUrl: `${ctx.serverUrl}/${fork.full_name}.git`, headOwner: fork.owner.login };
}

/**
 * The identity's fork of `upstream`: an existing one when there is one, else a new one once it is ready — or, in a
 * dry run, the login a new one would belong to.
 */
async function ensureFork(ctx: InspectContext, upstream: RepoData): Promise<RepoData | { wouldFork: true; login: string }> {
  const { api } = ctx.session;
  const login = await ctx.session.login();
  if (!login) throw new CodeHostFailed(`cannot fork ${upstream.full_name}: the identity has no user login`, 'permanent');
  const existing = await readRepo(ctx, login, upstream.name);
  if (isForkOf(existing, upstream)) return existing;
  if (ctx.dryRun) return { wouldFork: true, login };
  // A same-named repository that is not our fork of it: ask for a fork under a distinct name.
  const name = existing ? `${upstream.owner.login}-${upstream.name}` : undefined;
  const created = (
    await call(`forking ${upstream.full_name}`, () =>
      api.rest.repos.createFork({ owner: upstream.owner.login, repo: upstream.name, default_branch_only: true, ...(name && { name }) }),
    )
  ).data as RepoData;
  // Forking is asynchronous on GitHub: the repository appears after a while.
  const pollMs = ctx.forkPollMs ?? 3_000;
  const deadline = Date.now() + (ctx.forkTimeoutMs ?? 300_000);
  for (;;) {
    const ready = await readRepo(ctx, created.owner.login, created.name);
    // Git can still answer "not found" for a while after the API lists the fork.
    const branches = ready ? await ctx.git.remoteDefaultBranch(`${ctx.serverUrl}/${ready.full_name}.git`, ctx.gitAuth).catch(() => null) : null;
    if (ready && branches !== null) return ready;
    if (Date.now() > deadline) throw new CodeHostFailed(`the fork ${created.full_name} was not ready after ${Math.round((ctx.forkTimeoutMs ?? 300_000) / 1000)}s`, 'transient');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The identity's fork of `upstream`, when it has one. */
async function existingFork(ctx: InspectContext, upstream: RepoData): Promise<RepoData | null> {
  const login = await ctx.session.login();
  if (!login || login.toLowerCase() === upstream.owner.login.toLowerCase()) return null;
  const existing = await readRepo(ctx, login, upstream.name);
  return isForkOf(existing, upstream) ? existing : null;
}

function isForkOf(candidate: RepoData | null, upstream: RepoData): candidate is RepoData {
  return Boolean(candidate?.fork) && candidate?.parent?.full_name.toLowerCase() === upstream.full_name.toLowerCase();
}

async function readRepo(ctx: InspectContext, owner: string, name: string): Promise<RepoData | null> {
  try {
    return (await ctx.session.api.rest.repos.get({ owner, repo: name })).data as RepoData;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw toCodeHostError(err, `reading ${owner}/${name}`);
  }
}
