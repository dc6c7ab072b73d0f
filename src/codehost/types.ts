/**
 * The code-host port: what the orchestrator needs from where repositories live. The generic git host can only
 * push; GitHub adds pull requests. Credentials stay inside the implementation and reach host git only as a
 * header (never a sandbox, a log line or the journal).
 */
import type { RepoRef } from '../domain/repo.js';
import type { GitAuth } from '../git/host-git.js';

export interface RemoteRepoInfo {
  /** Branch the repo's HEAD points at; null for an empty repository. */
  defaultBranch: string | null;
  /** Set when the repo must not be worked on (archived, disabled, no permission); becomes the skip reason. */
  skipReason?: string;
  /** Where the branch is pushed (the repo itself, or a fork in fork mode). */
  pushUrl: string;
  /** Owner of the repository the branch lives in (differs from the repo's owner in fork mode). */
  headOwner: string;
  /**
   * SHA of the branch named in inspect's `lookAt`, or null when it does not exist — set only by hosts that read
   * the remote's refs anyway (plain git), so the branch costs no second look. Undefined: not looked at.
   */
  branchSha?: string | null;
  /** The commit the default branch is at, when the host read it anyway (plain git); lets a warm clone cache skip a fetch. */
  defaultBranchSha?: string | null;
  /** For the repository's log: something inspect would have done and did not (a dry run's fork). */
  note?: string;
  /**
   * Where the branch went when the identity could not push here (`github.fork: auto`) and that fork still exists:
   * an earlier run's PR may be open from it, and is kept there rather than opened again from here.
   */
  forkHead?: { pushUrl: string; headOwner: string };
}

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequestRef {
  number: number;
  url: string;
  state: PullRequestState;
  draft: boolean;
  title: string;
  body: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  assignees: string[];
  headSha?: string;
  /** When it was closed or merged (ISO); set by getPullRequest, null while it is open or when the host does not say. */
  closedAt?: string | null;
}

/** A PR that is closed or merged, as a listing shows it. */
export interface ClosedPullRequest {
  number: number;
  url: string;
  state: 'closed' | 'merged';
  /** ISO time; null when the code host does not say. */
  closedAt: string | null;
}

export interface BranchPullRequests {
  open: PullRequestRef | null;
  /** The newest PR from the branch into the base that is closed or merged, whether or not one is open. */
  lastClosed: ClosedPullRequest | null;
}

export interface PullRequestRequest {
  repo: RepoRef;
  base: string;
  branch: string;
  headOwner: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  assignees: string[];
}

export interface EnsuredPullRequest {
  pr: PullRequestRef;
  action: 'opened' | 'updated' | 'unchanged';
  /** Things that did not work but did not stop the PR (a reviewer who is not a collaborator…). */
  warnings: string[];
}

/** The state of a PR as `status --refresh` records it. */
export interface PullRequestStatus {
  state: PullRequestState;
  draft: boolean;
  reviewDecision: 'approved' | 'changes-requested' | 'review-required' | null;
  checks: 'success' | 'failure' | 'pending' | null;
  mergedAt: string | null;
}

export interface CodeHost {
  readonly kind: 'git' | 'github';
  readonly supportsPullRequests: boolean;
  /** What the remote looks like; `lookAt` names the change's branch when it is already known. */
  inspect(repo: RepoRef, signal?: AbortSignal, lookAt?: { branch: string }): Promise<RemoteRepoInfo>;
  /** Credentials for host git on this repo, or undefined for none. */
  gitAuth(repo: RepoRef): Promise<GitAuth | undefined>;
  /**
   * The PRs from the branch, in one look: the open one, whatever its base (ensurePullRequest retargets it; the one
   * into `base` of several), and the newest into `base` that is no longer open.
   */
  findPullRequests?(repo: RepoRef, headOwner: string, branch: string, base: string): Promise<BranchPullRequests>;
  /** Whether fleetmod closed this PR (close-stale, on-existing: recreate), as the PR itself shows it, from any machine. */
  closedByFleetmod?(repo: RepoRef, number: number): Promise<boolean>;
  /** `onPullRequest` is told the PR as soon as it is open (created, adopted or found), before its metadata is written. */
  ensurePullRequest?(request: PullRequestRequest, existing: PullRequestRef | null, onPullRequest?: (pr: PullRequestRef) => void): Promise<EnsuredPullRequest>;
  /**
   * Closes the PR with the comment when it is still open. Says whether this call closed it, and the state it is in:
   * someone may have merged or closed it since it was found open.
   */
  closePullRequest?(repo: RepoRef, pr: PullRequestRef, comment: string): Promise<{ closedNow: boolean; state: PullRequestState }>;
  /** One PR by number, whatever its state; null when it is gone. */
  getPullRequest?(repo: RepoRef, number: number): Promise<PullRequestRef | null>;
  pullRequestStatus?(repo: RepoRef, number: number): Promise<PullRequestStatus>;
}

/** Picks the code host for each repository (GitHub for GitHub repos, plain git for the rest). */
export interface CodeHostRouter {
  forRepo(repo: RepoRef): CodeHost;
}
