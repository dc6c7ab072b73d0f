/**
 * The CodeHost for repositories on one GitHub (or GitHub Enterprise Server) host. API calls go through the
 * identity's paced client; host git gets the token only as an `Authorization: Basic` header (user
 * `x-access-token`, the form GitHub documents for installation tokens and accepts for every token).
 */
import type { RepoRef } from '../../domain/repo.js';
import type { GitAuth, HostGit } from '../../git/host-git.js';
import type { ClosedPullRequest, CodeHost } from '../types.js';
import { closedByFleetmod } from './close-marker.js';
import { closePullRequest, ensurePullRequest } from './ensure-pull-request.js';
import { inspectRepo, type ForkMode } from './inspect.js';
import { pullRequestStatus } from './pr-status.js';
import { findBranchPulls, getPull, toRef, type GithubPull } from './pulls.js';
import type { GithubSessions } from './sessions.js';

export interface GithubHostOptions {
  sessions: GithubSessions;
  git: HostGit;
  fork: ForkMode;
  /** A dry run: no fork is made (inspect.ts). */
  dryRun?: boolean;
  /** Fork readiness polling (tests shorten it). */
  forkPollMs?: number;
  forkTimeoutMs?: number;
}

export function basicAuthHeader(token: string): GitAuth {
  return { header: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` };
}

export function createGithubHost(options: GithubHostOptions): CodeHost {
  const { sessions } = options;
  const session = (repo: RepoRef) => sessions.forOwner(repo.owner);
  const gitAuth = async (repo: RepoRef): Promise<GitAuth | undefined> => {
    const token = await (await session(repo)).gitToken();
    return token ? basicAuthHeader(token) : undefined;
  };

  return {
    kind: 'github',
    supportsPullRequests: true,
    async inspect(repo) {
      return inspectRepo(
        {
          session: await session(repo),
          serverUrl: sessions.endpoint.serverUrl,
          git: options.git,
          fork: options.fork,
          gitAuth: await gitAuth(repo),
          ...(options.dryRun && { dryRun: true }),
          ...(options.forkPollMs !== undefined && { forkPollMs: options.forkPollMs }),
          ...(options.forkTimeoutMs !== undefined && { forkTimeoutMs: options.forkTimeoutMs }),
        },
        repo,
      );
    },
    gitAuth,
    async findPullRequests(repo, headOwner, branch, base) {
      const found = await findBranchPulls((await session(repo)).api, repo, headOwner, branch, base);
      return { open: found.open && toRef(found.open), lastClosed: found.lastClosed && closedRef(found.lastClosed) };
    },
    async closedByFleetmod(repo, number) {
      return closedByFleetmod((await session(repo)).api, repo, number);
    },
    async getPullRequest(repo, number) {
      const found = await getPull((await session(repo)).api, repo, number);
      return found && { ...toRef(found), closedAt: found.closedAt };
    },
    async ensurePullRequest(request, existing, onPullRequest) {
      return ensurePullRequest((await session(request.repo)).api, request, existing, onPullRequest);
    },
    async closePullRequest(repo, pr, comment) {
      return closePullRequest((await session(repo)).api, { repo, number: pr.number, comment });
    },
    async pullRequestStatus(repo, number) {
      return pullRequestStatus((await session(repo)).api, repo, number);
    },
  };
}

function closedRef(pull: GithubPull): ClosedPullRequest {
  return { number: pull.number, url: pull.url, state: pull.state === 'merged' ? 'merged' : 'closed', closedAt: pull.closedAt };
}
