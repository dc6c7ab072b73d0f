/** What a task needs: the ports (dependencies) and the run's configuration, passed explicitly. */
import type { CodeHostRouter } from '../codehost/types.js';
import type { HostGit } from '../git/host-git.js';
import type { RepoCheckout } from '../git/mirror-cache.js';
import type { Job } from '../manifest/job.js';
import type { ProgressSink } from '../progress/types.js';
import type { SandboxProvider } from '../sandbox/types.js';
import type { Stage } from '../domain/stage.js';
import type { RunRecord, RunStore, TaskResult } from '../store/types.js';
import type { Redactor } from '../util/redact.js';
import type { StageLimiters } from './limiters.js';

export interface TaskDeps {
  store: RunStore;
  git: HostGit;
  /** Where checkouts come from: the clone cache, or the remote directly. */
  checkouts: RepoCheckout;
  sandboxes: SandboxProvider;
  codeHosts: CodeHostRouter;
  limiters: StageLimiters;
  progress: ProgressSink;
  redactor: Redactor;
  now: () => number;
}

export interface TaskConfig {
  job: Job;
  run: RunRecord;
  dryRun: boolean;
  /** Parent of the per-repo checkouts. */
  workRoot: string;
  /** Parent of the log files of repos that did not succeed (every repo's log is in the journal). */
  logDir: string;
  /** Secret values by name, for the sandbox environment only. */
  secrets: Readonly<Record<string, string>>;
  keepWorkdirs: boolean;
  /** SSH key file the commits are signed with; unsigned when absent. */
  signingKey?: string;
  /** Look for an earlier run's result of the same transformation on the same base commit before running the sandbox. */
  reuse: boolean;
}

/** How a task ended, with the branch and PR it left behind. */
export interface TaskOutcome extends TaskResult {
  branch?: string;
  prUrl?: string;
}

/** Runs one stage of a task, journaling its start and end. */
export type StageRunner = <T>(name: Stage, work: () => Promise<T>) => Promise<T>;
