/**
 * `planJob`: what `fleetmod run FILE` would do, as data — which repositories run, which are skipped or left out and
 * why, which already have a result from an earlier run of the job, and how long opening the pull requests takes
 * under the configured pace. Pure: the command reads the manifest, resolves the repos, reads the journal and, with
 * GitHub access, what GitHub says of them now (host-skips.ts, earlier-pull-requests.ts), then calls this. New estimates (sandbox time and cost, candidates) are added as fields of `Plan` computed here and
 * a section in render-plan.ts.
 */
import type { Outcome } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Diagnostic } from '../manifest/diagnostics.js';
import type { Job } from '../manifest/job.js';
import type { ExcludedRepo, ResolvedRepos } from '../manifest/repos.js';
import { estimateE2bCost, type CostEstimate, type E2bPricing } from '../sandbox/e2b/cost.js';
import type { RunRecord, RunStatus, TaskRecord } from '../store/types.js';
import { planCandidates, type PlanCandidates } from './candidate-estimate.js';
import type { EarlierPr, EarlierPrNow } from './earlier-pull-requests.js';
import { earlierPrNumber, planPullRequests, type PlanPullRequests } from './plan-pull-requests.js';
import { createFailureBrake, TRANSFORMATION_FAILURES } from '../orchestrator/failure-brake.js';

export type { PlanCandidates, PlanPullRequests };

/** The journal as far as planning needs it. */
export interface PlanHistory {
  run: RunRecord;
  tasks: readonly TaskRecord[];
  /** True when `fleetmod run` resumes this run (same manifest content, not a dry run). */
  resumes: boolean;
  /** The run says running but its process is gone (run-liveness.ts `runCrashed`, read by the command). */
  crashed: boolean;
}

export interface PlanInput {
  job: Job;
  resolved: ResolvedRepos;
  /** The run that would be resumed, or else the latest run of this job; absent when there is none. */
  history?: PlanHistory;
  /** Why earlier runs could not be read, when the journal exists but is unreadable. */
  journalProblem?: string;
  /** Keys of the repositories with a result of the same transformation in an earlier run (result reuse). */
  reusable?: ReadonlySet<string>;
  /** Repositories the run will skip once it reads them on GitHub (archived, empty), with the reason (host-skips.ts). */
  hostSkips?: ReadonlyMap<string, string>;
  /**
   * The earlier PRs of `earlierPrsToRead` as GitHub has them now, by repository key (earlier-pull-requests.ts);
   * absent when plan has no GitHub access, and the journal's view (open) stands.
   */
  earlierPrsNow?: ReadonlyMap<string, EarlierPrNow>;
}

export interface PreviousResult {
  runId: string;
  outcome: Outcome;
  prUrl?: string;
  prNumber?: number;
  message?: string;
}

export interface PlannedRepo {
  key: string;
  display: string;
  kind: RepoRef['kind'];
  base?: string;
  /** Why it is skipped or not run again. */
  reason?: string;
  /** Its result in the earlier run, when it has one. */
  previous?: PreviousResult;
  /** The PR that result left open, as GitHub has it now (when plan could read it). */
  prNow?: EarlierPrNow;
}

export interface PlanRepos {
  /** Repositories after file lists, selectors and duplicate removal (skipped ones included). */
  total: number;
  run: PlannedRepo[];
  /** Skipped by the manifest (`skip:`), or by the run once it reads them on GitHub (archived, empty). */
  skipped: PlannedRepo[];
  /** Done in the run that `fleetmod run` resumes: not run again. */
  done: PlannedRepo[];
  /** Left out by selector filters or as duplicates. */
  excluded: ExcludedRepo[];
  /** GitHub selectors not resolved (no GitHub access in this plan). */
  deferredSelectors: number;
}

export interface PlanHistorySummary {
  runId: string;
  status: RunStatus;
  /** Why it paused or stopped (the canary failed, limits.max-failures, the time window), when it did. */
  statusReason: string | null;
  createdAt: number;
  dryRun: boolean;
  sameManifest: boolean;
  resumes: boolean;
  /** Marked running, but its process is gone: `fleetmod run` takes it over. */
  crashed: boolean;
  /** The live process working on it now, when it is running and has not crashed: `fleetmod run` refuses it. */
  owner: { pid: number | null; host: string | null } | null;
  /** Results of repositories in this plan, by outcome. */
  outcomes: Partial<Record<Outcome, number>>;
  /** Repositories of this plan with a result in that run. */
  withResult: number;
}

export interface PlanSchedule {
  window?: { start: string; end: string; days?: string[]; timezone?: string; lengthMs: number };
  deadline?: string;
  /** limits.canary and limits.max-failures (orchestrator/failure-brake.ts). */
  canary?: number;
  maxFailures?: number;
  /**
   * `fleetmod run` resumes a run that has finished repositories: failures count from zero, and only what is left of
   * the canary runs first — none once the run finished `canary` repositories or one failed (failure-brake.ts).
   */
  resumesStarted?: { canaryLeft: number };
}

/** E2B sandbox time and cost for the repositories that run (sandbox/e2b/cost.ts). */
export interface PlanE2b {
  estimate: CostEstimate;
  pricing: E2bPricing;
}

export interface Plan {
  job: { name: string; file: string; provider: Job['sandbox']['provider']; publish: Job['change']['publish'] };
  repos: PlanRepos;
  candidates: PlanCandidates;
  e2b?: PlanE2b;
  history: PlanHistorySummary | null;
  /** Repositories to run that have a result of the same steps from an earlier run, taken when their base has not moved. */
  reuse: { repos: number } | null;
  pullRequests: PlanPullRequests;
  schedule: PlanSchedule;
  warnings: Diagnostic[];
  journalProblem?: string;
}

/** The outcomes after which the repository's branch is on its remote. */
const PUSHED_OUTCOMES: readonly Outcome[] = ['pr-opened', 'pr-updated', 'pushed'];

export function planJob(input: PlanInput): Plan {
  const { job, resolved, history } = input;
  const results = latestResults(history);
  const repos: PlanRepos = { total: resolved.repos.length, run: [], skipped: [], done: [], excluded: resolved.excluded, deferredSelectors: resolved.deferredSelectors };
  for (const repo of resolved.repos) {
    const previous = results.get(repo.key);
    const prNow = earlierPrNumber(previous) !== undefined ? input.earlierPrsNow?.get(repo.key) : undefined;
    const planned: PlannedRepo = {
      key: repo.key,
      display: repo.display,
      kind: repo.kind,
      ...(repo.base && { base: repo.base }),
      ...(previous && { previous }),
      ...(prNow && { prNow }),
    };
    const hostSkip = input.hostSkips?.get(repo.key);
    if (repo.skip) repos.skipped.push({ ...planned, reason: repo.skip });
    else if (previous && history?.resumes) repos.done.push({ ...planned, reason: `done in run ${previous.runId} (${previous.outcome})` });
    else if (hostSkip) repos.skipped.push({ ...planned, reason: hostSkip });
    // on-existing: skip leaves alone a repository whose branch exists, and a new run's is not its own (run-task.ts);
    // that reason comes first there, before a declined PR's.
    else if (job.change.onExisting === 'skip' && previous && PUSHED_OUTCOMES.includes(previous.outcome)) {
      repos.skipped.push({ ...planned, reason: `on-existing: skip, and run ${previous.runId} pushed its branch (left alone unless that branch was deleted since)` });
    }
    // A person closed its PR without merging: the run leaves the repository alone before anything is pushed (declined.ts).
    else if (prNow?.state === 'declined' && job.change.onExisting !== 'recreate') repos.skipped.push({ ...planned, reason: prNow.reason });
    // Skipped as declined last time, and not read on GitHub now: as the journal has it, it is skipped again.
    else if (!prNow && previous?.outcome === 'skipped' && earlierPrNumber(previous) !== undefined && job.change.onExisting !== 'recreate') {
      repos.skipped.push({ ...planned, reason: `${previous.message} (as run ${previous.runId} found it; not read on GitHub now, so a reopened PR is not seen)` });
    } else repos.run.push(planned);
  }
  return {
    job: { name: job.name, file: job.displayPath, provider: job.sandbox.provider, publish: job.change.publish },
    repos,
    candidates: planCandidates(job, repos.run.length),
    ...(job.sandbox.provider === 'e2b' && { e2b: planE2b(job, repos.run.length) }),
    history: history ? summarizeHistory(history, job, resolved.repos, results) : null,
    reuse: input.reusable ? { repos: repos.run.filter((r) => input.reusable?.has(r.key)).length } : null,
    pullRequests: planPullRequests(job, repos.run, repos.skipped, input.earlierPrsNow ? 'github' : 'journal'),
    schedule: planSchedule(job, repos.done, repos.run.length),
    warnings: resolved.warnings,
    ...(input.journalProblem && { journalProblem: input.journalProblem }),
  };
}

/**
 * The PRs `fleetmod run` meets again: those the earlier result of a repository it runs left open, or closed by a
 * person (it was skipped as declined), as the journal says. (A repository the manifest or GitHub skips, or one the resumed run has done, is not run.)
 */
export function earlierPrsToRead(input: Pick<PlanInput, 'resolved' | 'history' | 'hostSkips'>): EarlierPr[] {
  const results = latestResults(input.history);
  return input.resolved.repos.flatMap((repo) => {
    const previous = results.get(repo.key);
    const runs = !repo.skip && !(previous && input.history?.resumes) && !input.hostSkips?.has(repo.key);
    const number = earlierPrNumber(previous);
    return runs && number !== undefined ? [{ repo, number }] : [];
  });
}

function latestResults(history: PlanHistory | undefined): Map<string, PreviousResult> {
  const results = new Map<string, PreviousResult>();
  for (const task of history?.tasks ?? []) {
    if (task.status !== 'done' || task.outcome === null) continue;
    results.set(task.repo.key, {
      runId: task.runId,
      outcome: task.outcome,
      ...(task.prUrl && { prUrl: task.prUrl }),
      ...(task.prNumber !== null && { prNumber: task.prNumber }),
      ...((task.errorMessage ?? task.skipReason) && { message: (task.errorMessage ?? task.skipReason) as string }),
    });
  }
  return results;
}

function summarizeHistory(history: PlanHistory, job: Job, repos: readonly RepoRef[], results: Map<string, PreviousResult>): PlanHistorySummary {
  const outcomes: Partial<Record<Outcome, number>> = {};
  let withResult = 0;
  for (const repo of repos) {
    const previous = results.get(repo.key);
    if (!previous) continue;
    withResult += 1;
    outcomes[previous.outcome] = (outcomes[previous.outcome] ?? 0) + 1;
  }
  return {
    runId: history.run.id,
    status: history.run.status,
    statusReason: history.run.statusReason,
    createdAt: history.run.createdAt,
    dryRun: history.run.dryRun,
    sameManifest: history.run.manifestHash === job.hash,
    resumes: history.resumes,
    crashed: history.crashed,
    owner: history.run.status === 'running' && !history.crashed ? { pid: history.run.ownerPid, host: history.run.ownerHost } : null,
    outcomes,
    withResult,
  };
}

function planE2b(job: Job, repos: number): PlanE2b {
  const { vcpu, memoryMb, priceVcpuSecond, priceGibSecond } = job.sandbox.e2b;
  return {
    estimate: estimateE2bCost({ repos, candidates: job.candidates.length, sandbox: job.sandbox, limits: job.limits }),
    pricing: { vcpu, memoryMb, priceVcpuSecond, priceGibSecond },
  };
}

function planSchedule(job: Job, done: readonly PlannedRepo[], pending: number): PlanSchedule {
  // The run's own brake, told what the run that would be resumed has finished.
  const failed = done.some((r) => r.previous !== undefined && TRANSFORMATION_FAILURES.includes(r.previous.outcome));
  const resumesStarted =
    done.length > 0 ? { canaryLeft: createFailureBrake({ ...job.limits, earlier: { done: done.length, failed } }, pending).canarySize } : undefined;
  const w = job.limits.window;
  return {
    ...(w && {
      window: {
        start: w.start,
        end: w.end,
        ...(w.days && { days: w.days }),
        ...(w.timezone && { timezone: w.timezone }),
        lengthMs: windowLength(w.start, w.end),
      },
    }),
    ...(job.limits.deadline && { deadline: job.limits.deadline }),
    ...(job.limits.canary !== undefined && { canary: job.limits.canary }),
    ...(job.limits.maxFailures !== undefined && { maxFailures: job.limits.maxFailures }),
    ...(resumesStarted && (job.limits.canary !== undefined || job.limits.maxFailures !== undefined) && { resumesStarted }),
  };
}

function windowLength(start: string, end: string): number {
  const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const length = (minutes(end) - minutes(start) + 24 * 60) % (24 * 60);
  return (length === 0 ? 24 * 60 : length) * 60_000;
}
