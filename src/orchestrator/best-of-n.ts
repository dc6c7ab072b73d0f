/**
 * Best of N: every candidate runs in its own sandbox over its own copy of the checkout, in parallel within the
 * run's sandbox limit; verify (and the score command) decide which pass; the selection rule picks one. All
 * candidates are journaled. With `first-passing`, candidates listed after a passing one are cancelled. The task's
 * steps stage covers the candidates' work (failed when none wins), and a verify stage after it says how many passed.
 */
import { FleetmodError, Interrupted, NoCandidatePassed, errorMessage } from '../domain/errors.js';
import type { Stage } from '../domain/stage.js';
import type { TaskRecord } from '../store/types.js';
import { removeTree } from '../util/remove-tree.js';
import { classifyError } from './classify.js';
import { runCandidate, type CandidateResult } from './run-candidate.js';
import { selectCandidate } from './select-candidate.js';
import type { TaskLog } from './task-log.js';
import type { TaskConfig, TaskDeps } from './task-context.js';

/** Thrown when no candidate's steps succeeded. */
export class NoCandidateSucceeded extends FleetmodError {
  override readonly name = 'NoCandidateSucceeded';
  readonly errorClass = 'permanent';
}

export interface BestOfNInput {
  task: TaskRecord;
  base: string;
  /** The task's checkout; candidates work on copies of it. */
  workdir: string;
  log: TaskLog;
  signal: AbortSignal;
  stage: <T>(name: Stage, work: () => Promise<T>) => Promise<T>;
}

export interface BestOfNResult {
  chosen: CandidateResult;
  all: CandidateResult[];
}

export async function runBestOfN(deps: TaskDeps, config: TaskConfig, input: BestOfNInput): Promise<BestOfNResult> {
  const { job } = config;
  const controllers = job.candidates.map(() => new AbortController());
  // Candidates journal no stages of their own; only how long each one's verify took is kept, for the verify stage.
  const verifyMs = job.candidates.map(() => 0);
  const timed = (position: number) => async <T>(name: Stage, work: () => Promise<T>): Promise<T> => {
    const started = deps.now();
    try {
      return await work();
    } finally {
      if (name === 'verify') verifyMs[position] = (verifyMs[position] ?? 0) + deps.now() - started;
    }
  };
  let results: CandidateResult[] | undefined;

  // The steps stage spans the candidates' whole work and, deciding inside it, fails when none wins.
  const decide = (settled: readonly (CandidateResult | Errored)[]): BestOfNResult => {
    if (input.signal.aborted) throw new Interrupted('stopped while candidates were running');
    results = settled.map((s): CandidateResult => ('error' in s ? errored(s) : s));
    return choose(deps, config, input, results, settled);
  };
  return input.stage('steps', () =>
    Promise.all(
      job.candidates.map(async (candidate, position): Promise<CandidateResult | Errored> => {
        const signal = AbortSignal.any([input.signal, (controllers[position] as AbortController).signal]);
        // What this candidate cost so far, for its row also when it ends in an error: the rows add up to the task.
        let billed = 0;
        let started: number | null = null;
        const usage = (): Usage => ({ sandboxSeconds: billed, durationMs: started === null ? 0 : deps.now() - started });
        const workspace = `${input.workdir}-candidate-${position + 1}`;
        const log = prefixed(input.log, candidate.name);
        try {
          return await deps.limiters.sandbox(async () => {
            if (signal.aborted) return cancelled(position, candidate.name);
            await removeTree(workspace);
            await deps.git.clone(input.workdir, workspace, input.base);
            started = deps.now();
            const onBilled = (seconds: number) => {
              billed += seconds;
            };
            const result = await runCandidate(deps, config, { task: input.task, base: input.base, workspace, candidate, position, log, signal, stage: timed(position), onBilled });
            if ((controllers[position] as AbortController).signal.aborted && !input.signal.aborted) return cancelled(position, candidate.name, usage());
            log.line(`${result.status}${result.detail ? `: ${result.detail}` : ''}`);
            if (job.select === 'first-passing' && result.status === 'passed' && result.diff.trim() !== '') {
              controllers.forEach((c, later) => later > position && c.abort());
            }
            return result;
          });
        } catch (error) {
          if ((controllers[position] as AbortController).signal.aborted && !input.signal.aborted) return cancelled(position, candidate.name, usage());
          log.line(`error: ${errorMessage(error)}`);
          return { position, name: candidate.name, error, usage: usage() };
        } finally {
          if (!config.keepWorkdirs) await removeTree(workspace).catch(() => undefined);
        }
      }),
    ).then(decide),
  ).finally(() => {
    if (results) recordVerify(deps, config, input.task.id, results, Math.max(0, ...verifyMs));
  });
}

/** Picks the candidate that ships and journals every candidate; throws when none can. */
function choose(
  deps: TaskDeps,
  config: TaskConfig,
  input: BestOfNInput,
  results: CandidateResult[],
  settled: readonly (CandidateResult | { error: unknown })[],
): BestOfNResult {
  const { job } = config;
  const selection = selectCandidate(
    results.map((r) => ({
      position: r.position,
      name: r.name,
      status: r.status,
      score: r.score,
      changedLines: r.counts.insertions + r.counts.deletions,
      empty: r.diff.trim() === '',
    })),
    job.select,
  );
  const at = deps.now();
  for (const r of results) {
    deps.store.addCandidate({
      taskId: input.task.id,
      attempt: input.task.attempts,
      position: r.position,
      name: r.name,
      status: r.status,
      score: r.score,
      diff: r.diff,
      filesChanged: r.counts.files,
      insertions: r.counts.insertions,
      deletions: r.counts.deletions,
      sandboxSeconds: r.sandboxSeconds,
      durationMs: Math.round(r.durationMs),
      detail: r.position === selection.chosen ? selection.reason : r.detail,
      chosen: r.position === selection.chosen,
      at,
    });
  }
  input.log.line(`candidates: ${selection.reason}`);
  if (selection.chosen !== null) return { chosen: results[selection.chosen] as CandidateResult, all: results };
  throw noWinner(results, settled);
}

/**
 * The verify stage of best of N, after the steps stage: what the candidates' verify commands decided, timed as the
 * slowest candidate's verify (they ran side by side). Failed when candidates were verified and none passed.
 */
function recordVerify(deps: TaskDeps, config: TaskConfig, taskId: number, results: readonly CandidateResult[], durationMs: number): void {
  if (config.job.verify.length === 0) {
    deps.store.recordStage(taskId, 'verify', 'skipped', 0, 'the job has no verify commands');
    return;
  }
  const passedVerify = results.filter((r) => r.status === 'passed' || r.status === 'score-failed').length;
  if (passedVerify === 0 && !results.some((r) => r.status === 'verify-failed')) {
    deps.store.recordStage(taskId, 'verify', 'skipped', 0, 'no candidate got past its steps');
    return;
  }
  const others = new Map<string, number>();
  for (const r of results) if (r.status !== 'passed') others.set(STATUS_WORDS[r.status], (others.get(STATUS_WORDS[r.status]) ?? 0) + 1);
  const rest = [...others].map(([words, n]) => `${n} ${words}`).join(', ');
  const detail = `${passedVerify} of ${results.length} passed verify${rest ? ` (${rest})` : ''}`;
  deps.store.recordStage(taskId, 'verify', 'started');
  deps.store.recordStage(taskId, 'verify', passedVerify > 0 ? 'succeeded' : 'failed', Math.round(durationMs), detail);
}

const STATUS_WORDS: Record<CandidateResult['status'], string> = {
  passed: 'passed',
  'verify-failed': 'verify failed',
  'score-failed': 'no score',
  'step-failed': 'steps failed',
  error: 'error',
  cancelled: 'not needed',
};

function noWinner(results: CandidateResult[], settled: readonly (CandidateResult | { error: unknown })[]): Error {
  const summary = results.map((r) => `${r.name}: ${r.detail ?? r.status}`).join('; ');
  // Infrastructure trouble in any candidate means a retry may do better: surface it as the (transient) cause.
  const infra = settled.find((s): s is { error: unknown } => 'error' in s && classifyError(s.error).errorClass === 'transient');
  if (infra) return infra.error instanceof Error ? infra.error : new Error(String(infra.error));
  const verified = results.find((r) => r.status === 'verify-failed' || r.status === 'score-failed');
  if (verified) return new NoCandidatePassed(results.map((r) => ({ name: r.name, detail: r.detail ?? r.status })));
  return new NoCandidateSucceeded(`no candidate succeeded (${summary})`);
}

/** A candidate's billed sandbox time and running time. */
interface Usage {
  sandboxSeconds: number;
  durationMs: number;
}

/** A candidate that ended in an infrastructure error, with what it cost until then. */
interface Errored {
  position: number;
  name: string;
  error: unknown;
  usage: Usage;
}

function cancelled(position: number, name: string, usage: Usage = { sandboxSeconds: 0, durationMs: 0 }): CandidateResult {
  return {
    position,
    name,
    status: 'cancelled',
    steps: [],
    score: null,
    diff: '',
    counts: { files: 0, insertions: 0, deletions: 0 },
    ...usage,
    detail: 'not needed: an earlier candidate passed',
  };
}

function errored(e: Errored): CandidateResult {
  return { ...cancelled(e.position, e.name, e.usage), status: 'error', detail: errorMessage(e.error) };
}

function prefixed(log: TaskLog, name: string): TaskLog {
  return {
    line: (text) => log.line(`[${name}] ${text}`),
    output: (prefix, text) => log.output(`[${name}]${prefix}`, text),
    // The task's log is closed by the task.
    close: () => undefined,
  };
}
