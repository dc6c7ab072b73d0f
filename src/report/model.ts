/**
 * The report model: everything every renderer shows, computed once by `summarize` from the stored run. Plain data
 * (times in ms since the epoch), so renderers stay dumb and the JSON report is a projection of it.
 */
import type { ErrorClass } from '../domain/errors.js';
import type { Outcome, TaskStatus } from '../domain/outcome.js';
import type { Stage } from '../domain/stage.js';
import type { CandidateStatus, RunStatus, StageState } from '../store/types.js';

/** How the headline, the chart and the filters bucket a repo (a coarser view of its outcome). */
export const CATEGORIES = ['changed-pr', 'changed', 'unchanged', 'verify-failed', 'failed', 'skipped', 'pending'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  'changed-pr': 'changed, PR opened/updated',
  changed: 'changed, no PR',
  unchanged: 'unchanged',
  'verify-failed': 'verify failed',
  failed: 'failed',
  skipped: 'skipped',
  pending: 'pending',
};

export type PrState = 'open' | 'draft' | 'merged' | 'closed' | 'unknown';

export interface PullRequestInfo {
  number: number | null;
  url: string;
  state: PrState;
  checks: 'success' | 'failure' | 'pending' | null;
  review: 'approved' | 'changes-requested' | 'review-required' | null;
  mergedAt: number | null;
  /** When `status --refresh` last read the PR; null means checks and review were never read. */
  refreshedAt: number | null;
}

export interface Diffstat {
  files: number;
  insertions: number;
  deletions: number;
}

export interface StageTiming {
  stage: Stage;
  state: StageState;
  at: number;
  durationMs: number | null;
  detail: string | null;
}

/** One candidate solution tried for a repo (best of N), from the repo's latest attempt that ran candidates. */
export interface CandidateEntry {
  position: number;
  name: string;
  status: CandidateStatus;
  /** The one committed, pushed and proposed. */
  chosen: boolean;
  score: number | null;
  diffstat: Diffstat;
  /** Its diff ('' when it made none); cut for big runs when `diffTruncated`. */
  diff: string;
  diffTruncated: boolean;
  /** Billed sandbox time (E2B; 0 for local and host sandboxes). */
  sandboxSeconds: number;
  /** At the job's E2B prices; null when the run did not use E2B or its prices are not in the journal. */
  costUsd: number | null;
  /** From its sandbox's creation to its diff (or failure). */
  durationMs: number;
  /** Why it failed; for the chosen one, the selection rule's reason. */
  detail: string | null;
}

/** All candidates of the run (best of N): how many ran, how they ended, what they cost. */
export interface CandidateTotals {
  /** Repos that ran candidates. */
  repos: number;
  total: number;
  byStatus: Record<CandidateStatus, number>;
  chosen: number;
  /** The candidates' running time added up (they run side by side). */
  durationMs: number;
  /** Billed sandbox time (E2B; 0 for local and host sandboxes). */
  sandboxSeconds: number;
  /** Null when no candidate has a cost (not E2B, or prices unknown). */
  costUsd: number | null;
}

export interface RepoEntry {
  taskId: number;
  position: number;
  key: string;
  display: string;
  url: string;
  status: TaskStatus;
  outcome: Outcome | null;
  category: Category;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  skipReason: string | null;
  /** The last stage reached. */
  stage: Stage | null;
  attempts: number;
  retries: number;
  baseBranch: string | null;
  baseSha: string | null;
  branch: string | null;
  headSha: string | null;
  diffstat: Diffstat | null;
  /** The stored diff (also for dry runs); renderers decide how much of it to show. */
  diff: string | null;
  pr: PullRequestInfo | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Time spent in stages (robust to a run resumed the next day); wall time when no stage was journaled. */
  durationMs: number | null;
  sandboxSeconds: number;
  costUsd: number;
  logPath: string | null;
  stages: StageTiming[];
  /** The failing command's output tail (or the error), for failed, verify-failed and edited-by-human repos. */
  excerpt: string | null;
  /** Normalized error signature; repos with the same one are grouped. */
  signature: string | null;
  /** Best of N: every candidate tried, in manifest order; empty for a job with one candidate. */
  candidates: CandidateEntry[];
  /** The earlier run whose result this repo took instead of running the sandbox (result reuse), or null. */
  reusedFromRun: string | null;
}

/** Repos that took an earlier run's result of the same transformation on the same base commit. */
export interface ReuseSummary {
  repos: number;
  /** The runs that produced those results, most used first. */
  fromRuns: string[];
}

export interface Headline {
  total: number;
  changedWithPr: number;
  prOpened: number;
  prUpdated: number;
  changedWithoutPr: number;
  pushed: number;
  dryRun: number;
  unchanged: number;
  /** Included in `unchanged`: no diff any more and the stale PR was closed. */
  prClosed: number;
  verifyFailed: number;
  /** failedTransient + failedPermanent + editedByHuman. */
  failed: number;
  failedTransient: number;
  failedPermanent: number;
  editedByHuman: number;
  skipped: number;
  /** Not finished, including `running`. */
  pending: number;
  running: number;
}

export interface RunInfo {
  id: string;
  jobName: string;
  manifestPath: string;
  status: RunStatus;
  statusReason: string | null;
  /** Status says running but nobody has written a heartbeat for a while: the process probably died. */
  stalled: boolean;
  dryRun: boolean;
  provider: string;
  /** False for provider `host`: steps ran on this machine without any isolation. */
  isolated: boolean;
  runDir: string;
  createdAt: number;
  finishedAt: number | null;
  /** Wall time from creation to finish (or to `generatedAt` while running). */
  durationMs: number;
  /** Time during which at least one stage was running (excludes pauses between invocations). */
  activeMs: number;
}

export interface SandboxUsage {
  seconds: number;
  hours: number;
  costUsd: number;
}

export interface FailureGroup {
  signature: string;
  outcome: Outcome;
  /** First line of the first repo's error, unnormalized. */
  example: string;
  excerpt: string | null;
  repos: RepoEntry[];
  transient: number;
  permanent: number;
}

export interface SkipGroup {
  /**
   * Every repo's reason when they are the same; otherwise what the reasons share, with "…" where they differ (a
   * declined PR's number and day), so the group never states one repo's PR as every repo's.
   */
  reason: string;
  repos: RepoEntry[];
  /** Per repo (in the order of `repos`): what its reason has where `reason` says "…"; null when nothing differs. */
  details: (string | null)[];
}

export interface StageStat {
  stage: Stage;
  count: number;
  failed: number;
  /** Ended by Ctrl-C or a takeover (an interrupted run), not by the repository: not counted in `failed`. */
  stopped: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  totalMs: number;
}

export interface SlowRepo {
  repo: RepoEntry;
  durationMs: number;
  slowestStage: { stage: Stage; durationMs: number } | null;
}

export interface RepoChange {
  key: string;
  display: string;
  before: Outcome | 'pending' | 'absent';
  after: Outcome | 'pending';
}

export interface PrChange {
  key: string;
  display: string;
  number: number | null;
  url: string;
  state: 'merged' | 'closed';
  at: number | null;
}

export interface Comparison {
  previousRunId: string;
  previousCreatedAt: number;
  previousStatus: RunStatus;
  newlyFailing: RepoChange[];
  newlyFixed: RepoChange[];
  stillFailing: number;
  prsMerged: PrChange[];
  prsClosed: PrChange[];
  /** Repos in this run that the previous run did not have, and the other way round. */
  added: number;
  removed: number;
}

export interface Report {
  generatedAt: number;
  run: RunInfo;
  headline: Headline;
  /** Finished repos per minute of active time. */
  throughputPerMinute: number;
  /** Present when the run used E2B or recorded any sandbox cost. */
  sandboxUsage: SandboxUsage | null;
  repos: RepoEntry[];
  /** Present when the run tried several candidates per repo. */
  candidates: CandidateTotals | null;
  /** Present when some repos reused an earlier run's result. */
  reuse: ReuseSummary | null;
  failureGroups: FailureGroup[];
  skipGroups: SkipGroup[];
  pullRequests: RepoEntry[];
  stageStats: StageStat[];
  slowest: SlowRepo[];
  comparison: Comparison | null;
  /**
   * The options naming the journal the report was read from (" --state-dir /x"), appended to the commands the
   * report suggests; empty for the default journal, `.fleetmod` in the current folder.
   */
  journalArgs: string;
}
