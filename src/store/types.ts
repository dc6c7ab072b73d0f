/**
 * The journal port. The orchestrator records every transition through it as it happens; reports and `resume`
 * read it. The SQLite implementation commits each call in its own short transaction.
 */
import type { ErrorClass } from '../domain/errors.js';
import type { Outcome, TaskStatus } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Stage } from '../domain/stage.js';
import type { CandidateRecord, EventLevel, RunCandidateRecord, StageEvent, StageState, StepResultRecord, TaskEvent } from './task-history-types.js';

export type * from './task-history-types.js';

/** The start of the transform key of a run whose results come from more than one version of its step files. */
export const MIXED_TRANSFORM_PREFIX = 'mixed:';

export type RunStatus = 'running' | 'interrupted' | 'paused' | 'finished';

export interface RunRecord {
  id: string;
  jobName: string;
  manifestPath: string;
  manifestHash: string;
  /** The normalized job as JSON (no secret values: secrets are names). */
  jobJson: string;
  provider: string;
  dryRun: boolean;
  status: RunStatus;
  statusReason: string | null;
  /** Folder with this run's logs and reports. */
  runDir: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: number | null;
  /** Hash of what the transformation is made of (transform-key.ts); null for runs that do not share results. */
  transformKey: string | null;
  /** Started with --no-reuse: no result of another run is taken, also when the run is resumed. */
  noReuse: boolean;
}

export interface TaskRecord {
  id: number;
  runId: string;
  position: number;
  repo: RepoRef;
  status: TaskStatus;
  stage: Stage | null;
  outcome: Outcome | null;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  skipReason: string | null;
  attempts: number;
  retries: number;
  baseBranch: string | null;
  baseSha: string | null;
  branch: string | null;
  headSha: string | null;
  /** Author/committer time of the change commit, so a re-made commit gets the same SHA. */
  commitTime: number | null;
  /** The earlier run that produced the result this task reused instead of running the sandbox. */
  reusedFromRun: string | null;
  diff: string | null;
  filesChanged: number | null;
  insertions: number | null;
  deletions: number | null;
  pushed: boolean;
  prNumber: number | null;
  prUrl: string | null;
  /** 'open' | 'closed' | 'merged' (draft is `prDraft`). */
  prState: string | null;
  prDraft: boolean | null;
  prChecks: 'success' | 'failure' | 'pending' | null;
  prReview: 'approved' | 'changes-requested' | 'review-required' | null;
  prMergedAt: number | null;
  /** When `status --refresh` last read the PR. */
  prRefreshedAt: number | null;
  /** When this task asked the code host to open a PR (none was open for its branch); see migrations/011. */
  prRequestedAt: number | null;
  /** When this task asked the code host to close the stale PR in `prNumber` (close-stale); see migrations/012. */
  prCloseRequestedAt: number | null;
  /** Sandbox time used by this repo (all attempts and candidates). */
  sandboxSeconds: number;
  /** Estimated sandbox cost in USD (E2B). */
  costUsd: number;
  logPath: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

/** An unfinished task as a run queues it. */
export type PendingTask = Pick<TaskRecord, 'id' | 'repo' | 'retries'>;

/** Fields of a task the orchestrator may set while working on it. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'stage'
    | 'baseBranch'
    | 'baseSha'
    | 'branch'
    | 'headSha'
    | 'commitTime'
    | 'reusedFromRun'
    | 'diff'
    | 'filesChanged'
    | 'insertions'
    | 'deletions'
    | 'pushed'
    | 'prNumber'
    | 'prUrl'
    | 'prState'
    | 'prDraft'
    | 'prChecks'
    | 'prReview'
    | 'prMergedAt'
    | 'prRefreshedAt'
    | 'prRequestedAt'
    | 'prCloseRequestedAt'
    | 'sandboxSeconds'
    | 'costUsd'
    | 'logPath'
    | 'errorMessage'
  >
>;

export interface TaskResult {
  outcome: Outcome;
  errorClass?: ErrorClass;
  errorMessage?: string;
  skipReason?: string;
}

export interface NewRun {
  id: string;
  jobName: string;
  manifestPath: string;
  manifestHash: string;
  jobJson: string;
  provider: string;
  dryRun: boolean;
  runDir: string;
  transformKey?: string | null;
  noReuse?: boolean;
}

/** Where a reusable result is looked for: the same transformation, repository (with its manifest entry's env and base) and base commit. */
export interface ReusableResultQuery {
  transformKey: string;
  repo: RepoRef;
  /** Undefined: on any base commit (to learn whether there is anything to reuse before looking the base up). */
  baseSha?: string;
  /** Results of this run are not candidates (its own journal is resumed by other means). */
  excludeRunId: string;
}

export interface TaskFilter {
  outcomes?: readonly Outcome[];
  errorClass?: ErrorClass;
  repoKeys?: readonly string[];
}

export interface RunOwner {
  pid: number;
  host: string;
}

/** Whether a run may be claimed, given it as it is now and the runs of its job marked running (live or crashed). */
export type ClaimDecision = (run: RunRecord, runningOfJob: readonly RunRecord[]) => boolean;

export interface RunStore {
  createRun(run: NewRun): RunRecord;
  getRun(id: string): RunRecord | undefined;
  /** The most recent run of a job, optionally only one made from the same manifest content. */
  latestRun(filter?: { jobName?: string; manifestHash?: string; dryRun?: boolean }): RunRecord | undefined;
  listRuns(limit?: number): RunRecord[];
  /** The runs of this job (not dry runs) marked running, live or crashed: run-liveness.ts tells them apart. */
  runningRunsOfJob(jobName: string): RunRecord[];
  /** `finishedAt` (with 'finished'): when the run ended, if not now. */
  setRunStatus(id: string, status: RunStatus, reason?: string | null, finishedAt?: number): void;
  /**
   * The run's results no longer come from one transformation (a retry ran changed step files): its transform key
   * becomes one of its own (MIXED_TRANSFORM_PREFIX + its id), which no other run and no step files have, so no later
   * run reuses its results, it reuses none, and `run` never continues it for any step files.
   */
  markTransformMixed(id: string): string;
  /**
   * Marks the run as owned by a live process; `report` uses it to tell a running run from a crashed one. With an
   * owner, it is only a heartbeat of the run's own process (or of a run nobody owns yet): false when the run is no
   * longer running for `owner` — another process took it over while this one's heartbeat was stale, and this one
   * must stop working on it. Null releases the run.
   */
  heartbeat(id: string, owner: { pid: number; host: string } | null): boolean;
  /**
   * Makes `owner` the run's owner (status running, fresh heartbeat) if `mayTake` agrees with the run as it is now and
   * the runs of its job marked running (dry runs not included; the run itself may be among them): the reads and the
   * write are one BEGIN IMMEDIATE transaction, committed before this returns, so of two processes claiming the same
   * run, or two runs of one job, at once only one can get it. `discardIfRefused`: a refused run that nobody ever
   * owned and that has no tasks (one just created for this claim) is deleted in the same transaction. Undefined run:
   * not in the journal.
   */
  claimRun(
    id: string,
    owner: RunOwner,
    mayTake: ClaimDecision,
    options?: { discardIfRefused?: boolean },
  ): { claimed: boolean; run: RunRecord | undefined };

  addTasks(runId: string, repos: readonly RepoRef[]): void;
  listTasks(runId: string): TaskRecord[];
  /** The repository keys of a run's tasks: which repositories it covers, without loading their diffs and logs. */
  listTaskRepoKeys(runId: string): string[];
  /** What a run needs to queue its unfinished tasks, in order — only that, for runs of thousands — and how many it has. */
  listPendingTasks(runId: string): { pending: PendingTask[]; total: number };
  /** Tasks of a run counted by outcome ('pending' and 'running' for unfinished ones). */
  countTasks(runId: string): Record<string, number>;
  getTask(taskId: number): TaskRecord | undefined;
  startTask(taskId: number): TaskRecord;
  updateTask(taskId: number, patch: TaskPatch): void;
  recordStage(taskId: number, stage: Stage, state: StageState, durationMs?: number | null, detail?: string | null): void;
  /** Puts one running task back to pending (interrupted); its journaled progress is kept. */
  releaseTask(taskId: number, reason: string): void;
  /** Counts a retry of a transient failure and puts the task back to pending. */
  recordRetry(taskId: number, reason: string): void;
  finishTask(taskId: number, result: TaskResult): void;
  /** The finished tasks `reopenTasks` would put back to pending with this filter (nothing is changed). */
  listReopenable(runId: string, filter: TaskFilter): TaskRecord[];
  /** Puts finished tasks matching the filter back to pending (retry). Returns how many. */
  reopenTasks(runId: string, filter: TaskFilter): number;
  /** Tasks left `running` by a process that died go back to `pending`; their journaled progress is kept. */
  releaseRunningTasks(runId: string): number;

  /**
   * The latest task of another run with the same transformation, repository and base commit whose transformation
   * finished (a diff and a commit time were journaled), or undefined.
   */
  findReusableResult(query: ReusableResultQuery): TaskRecord | undefined;
  /** Whether findReusableResult would find one (without reading it). */
  hasReusableResult(query: ReusableResultQuery): boolean;
  /** Whether any run other than `excludeRunId` has this transformation key (else there is nothing to look up). */
  hasOtherRunOfTransform(transformKey: string, excludeRunId: string): boolean;
  /**
   * Takes the result of task `fromTaskId` into task `taskId` (attempt `attempt`): base, diff and its counts, commit
   * time, and the step results and candidates of the attempt that produced it; records where it came from.
   */
  adoptResult(taskId: number, fromTaskId: number, attempt: number): void;

  /** Appends a piece of a task's log (redacted like every other text). */
  appendTaskLog(taskId: number, text: string): void;
  /** A task's whole log, every attempt, as written. */
  readTaskLog(taskId: number): string;

  addStepResult(result: StepResultRecord): void;
  listStepResults(taskId: number): StepResultRecord[];
  /**
   * The step results behind a task's journaled result, for the templates of a commit (and PR) made from the journal
   * instead of a fresh sandbox run: the steps (not verify commands) of the attempt that produced it, of the chosen
   * candidate with best of N. Candidates share step names and earlier attempts have rows too, so "the last row per
   * step name" would be whichever candidate finished last; the output must be the one the result was first made with.
   */
  producingStepResults(taskId: number): StepResultRecord[];
  listStageEvents(taskId: number): StageEvent[];
  addCandidate(candidate: CandidateRecord): void;
  /** Candidates of a task, latest attempt last. */
  listCandidates(taskId: number): CandidateRecord[];
  /**
   * Every stage event of a run in one query (reports), ordered by task then time. `startedOnlyWhileRunning` leaves
   * out the "started" events of tasks that are not running (their stage has ended; the end event has the duration).
   */
  listRunStageEvents(runId: string, options?: { startedOnlyWhileRunning?: boolean }): StageEvent[];
  /**
   * Every step result of a run in one query (reports). With `outputChars`, stdout and stderr are cut to their last
   * that many characters inside SQLite, and with `outputOnlyOfFailures` they are empty for commands that succeeded
   * or were skipped, so a report over thousands of repos does not read every byte of output.
   */
  listRunStepResults(runId: string, options?: { outputChars?: number; outputOnlyOfFailures?: boolean }): StepResultRecord[];
  /**
   * The candidates of every task of a run in one query (reports): only each task's latest attempt that ran
   * candidates, ordered by task then position. With `diffChars`, diffs are cut to their first that many characters
   * inside SQLite (0: no diffs), so a report over thousands of best-of-N repos does not read every candidate's diff.
   */
  listRunCandidates(runId: string, options?: { diffChars?: number }): RunCandidateRecord[];
  /**
   * The newest time anything of the run's repos was journaled: a task row, a stage's end, an event. Stage and task
   * writes leave the run row alone, so a run that died before its first heartbeat has no other trace of how long
   * it ran (report/clock.ts). Null for a run without tasks.
   */
  lastTaskWriteAt(runId: string): number | null;
  /** The run of the same job and kind (dry or not) created just before this one, if any (the report compares against it). */
  previousRun(run: Pick<RunRecord, 'id' | 'jobName' | 'createdAt' | 'dryRun'>): RunRecord | undefined;
  logEvent(runId: string, taskId: number | null, level: EventLevel, message: string): void;
  listEvents(taskId: number): TaskEvent[];

  /**
   * When the GitHub writes counted by `budget` got their answers, those after `since`, oldest first (ms since the
   * epoch); the older ones are dropped. A write budget starts from them (codehost/github/write-budget.ts).
   */
  githubWrites(budget: string, since: number): number[];
  /** Journals a GitHub write counted by `budget`, answered at `at`. */
  recordGithubWrite(budget: string, at: number): void;

  close(): void;
}
