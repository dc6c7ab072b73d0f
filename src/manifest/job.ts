/** The normalized job the program works with: camelCase, units resolved, defaults filled in. */

interface EntryLocation {
  /** Path of the entry inside the manifest, e.g. ["repos", 3]. */
  path: (string | number)[];
  /** Where the entry is written, filled in by the loader. */
  pos?: { line: number; col: number };
}

export type RepoEntry =
  | ({ kind: 'repo'; value: string; base?: string; env: Record<string, string>; skip?: string } & EntryLocation)
  | ({ kind: 'file'; file: string } & EntryLocation)
  | ({ kind: 'github'; selector: GithubSelector } & EntryLocation);

export interface GithubSelector {
  org?: string;
  user?: string;
  topics: string[];
  search?: string;
  include: string[];
  exclude: string[];
  archived: boolean;
  forks: boolean;
  limit?: number;
}

export interface StepSpec {
  name: string;
  run: string;
  files: string[];
  env: Record<string, string>;
  timeoutMs?: number;
  if?: string;
  continueOnError: boolean;
}

export interface VerifySpec {
  name: string;
  run: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

export interface Identity {
  name: string;
  email: string;
}

export interface PullRequestSpec {
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  assignees: string[];
}

export type NetworkPolicy = false | true | string[];

export interface SandboxSpec {
  provider: 'local' | 'e2b' | 'host';
  template: string;
  timeoutMs: number;
  memoryBytes?: number;
  cpus?: number;
  pids: number;
  diskBytes?: number;
  tmpBytes: number;
  outputBytes: number;
  /** Largest diff taken back from a sandbox: the host holds a change in memory, several times over. */
  changeBytes: number;
  network: NetworkPolicy;
  env: Record<string, string>;
  secrets: string[];
  e2b: { vcpu: number; memoryMb: number; priceVcpuSecond: number; priceGibSecond: number; expectedDurationMs?: number };
}

export interface Rate {
  count: number;
  perMs: number;
}

export interface WindowSpec {
  start: string;
  end: string;
  days?: string[];
  timezone?: string;
}

export interface LimitsSpec {
  concurrency: number;
  clone: number;
  sandboxes?: number;
  sandboxRate?: Rate;
  githubWritesPerMinute: number;
  githubWritesPerHour: number;
  retries: number;
  prRate?: Rate;
  /** Repositories a new run runs alone first (failure-brake.ts). */
  canary?: number;
  /** Failed repositories that pause the run (failure-brake.ts). */
  maxFailures?: number;
  deadline?: string;
  window?: WindowSpec;
}

export interface CandidateSpec {
  name: string;
  steps: StepSpec[];
  env: Record<string, string>;
}

export interface Job {
  /** Absolute path of the manifest file. */
  file: string;
  /** The manifest path as the user named it, for diagnostics. */
  displayPath: string;
  /** Directory of the manifest; relative paths in it resolve from here. */
  dir: string;
  /** sha256 of the manifest text: a changed manifest starts a new run. */
  hash: string;
  name: string;
  description?: string;
  repos: RepoEntry[];
  github: { apiUrl?: string; serverUrl?: string; fork: 'auto' | 'always' | 'never' };
  sandbox: SandboxSpec;
  steps: StepSpec[];
  verify: VerifySpec[];
  change: {
    branch: string;
    /** `signingKey`: the SSH key file commits are signed with, resolved from the manifest's folder (`~/` kept). */
    commit: { message: string; author: Identity; signingKey?: string };
    pr?: PullRequestSpec;
    onExisting: 'update' | 'skip' | 'recreate';
    closeStale: boolean;
    publish: boolean | 'draft';
  };
  limits: LimitsSpec;
  /** Always at least one; a job without `candidates` has one candidate named "default" with the job's steps. */
  candidates: CandidateSpec[];
  select: 'first-passing' | 'smallest-diff' | 'score';
  score?: { run: string; timeoutMs?: number };
}

export const DEFAULT_AUTHOR: Identity = { name: 'fleetmod', email: 'fleetmod@localhost' };
