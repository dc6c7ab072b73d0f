/**
 * One candidate solution in its own sandbox: steps, verify, score, diff. Step and verify failures are results,
 * not exceptions (best of N compares them); infrastructure errors (sandbox lost, boot failure) are thrown.
 */
import { FleetmodError, StepFailed, VerifyFailed } from '../domain/errors.js';
import type { Stage } from '../domain/stage.js';
import type { CandidateSpec } from '../manifest/job.js';
import type { Sandbox } from '../sandbox/types.js';
import type { CandidateStatus, TaskRecord } from '../store/types.js';
import { countDiff, type DiffCounts } from './diff-stat.js';
import { sandboxRequest } from './sandbox-request.js';
import { recordSandboxUsage } from './sandbox-usage.js';
import type { TaskLog } from './task-log.js';
import { assertSafeDiff } from '../sandbox/shared/diff-safety.js';
import type { TaskConfig, TaskDeps } from './task-context.js';
import { runScore, runSteps, runVerify } from './transform.js';
import type { StepOutput } from './variables.js';

export interface CandidateResult {
  position: number;
  name: string;
  status: CandidateStatus;
  /** The StepFailed / VerifyFailed behind a failed status. */
  failure?: FleetmodError;
  steps: StepOutput[];
  score: number | null;
  diff: string;
  counts: DiffCounts;
  sandboxSeconds: number;
  durationMs: number;
  detail: string | null;
}

export interface CandidateInput {
  task: TaskRecord;
  base: string;
  workspace: string;
  candidate: CandidateSpec;
  position: number;
  log: TaskLog;
  signal: AbortSignal;
  /** Journals a stage (single candidate) or just runs the work (one of several candidates). */
  stage: <T>(name: Stage, work: () => Promise<T>) => Promise<T>;
  /**
   * Told each sandbox's billed seconds as they are charged to the task — also when an infrastructure error follows,
   * so best of N can show them in that candidate's row and the rows add up to the task.
   */
  onBilled?: (seconds: number) => void;
}

export async function runCandidate(deps: TaskDeps, config: TaskConfig, input: CandidateInput): Promise<CandidateResult> {
  const started = deps.now();
  const { candidate } = input;
  let billed = 0;
  const charge = (sandbox: Sandbox) => {
    recordSandboxUsage(deps, config, input.task.id, sandbox);
    billed += sandbox.billedSeconds();
    input.onBilled?.(sandbox.billedSeconds());
  };
  const result = (status: CandidateStatus, extra: Partial<CandidateResult> = {}): CandidateResult => ({
    position: input.position,
    name: candidate.name,
    status,
    steps: [],
    score: null,
    diff: '',
    counts: { files: 0, insertions: 0, deletions: 0 },
    sandboxSeconds: 0,
    durationMs: deps.now() - started,
    detail: null,
    ...extra,
  });
  const sandbox = await input.stage('sandbox', () =>
    deps.sandboxes.create(
      sandboxRequest(config, input.task, candidate, input.workspace, input.signal, (line) => input.log.line(line), {
        creationSlot: deps.limiters.creationSlot,
        // A sandbox that failed while receiving the checkout never reaches the finally below, but was billed.
        onDiscarded: charge,
      }),
    ),
  );
  let outcome: CandidateResult;
  try {
    outcome = await evaluate(deps, config, input, sandbox, result);
  } finally {
    await sandbox.destroy();
    // Billed time (and E2B cost) counts whatever happened, also when an infrastructure error is on its way up.
    charge(sandbox);
  }
  return { ...outcome, sandboxSeconds: billed, durationMs: deps.now() - started };
}

async function evaluate(
  deps: TaskDeps,
  config: TaskConfig,
  input: CandidateInput,
  sandbox: Sandbox,
  result: (status: CandidateStatus, extra?: Partial<CandidateResult>) => CandidateResult,
): Promise<CandidateResult> {
  const transform = {
    repo: input.task.repo,
    base: input.base,
    taskId: input.task.id,
    attempt: input.task.attempts,
    candidate: input.candidate,
    sandbox,
    log: input.log,
    signal: input.signal,
  };
  let steps: StepOutput[];
  try {
    steps = (await input.stage('steps', () => runSteps(deps, config, transform))).steps;
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    return result('step-failed', { failure: err, detail: err.message });
  }
  let verifyFailure: VerifyFailed | undefined;
  if (config.job.verify.length > 0) {
    try {
      await input.stage('verify', () => runVerify(deps, config, transform, steps));
    } catch (err) {
      if (!(err instanceof VerifyFailed)) throw err;
      verifyFailure = err;
    }
  }
  // The diff is kept even when verify failed: it is what a reviewer wants to see next to the failure.
  // Whatever the provider, the same rule for what may be published: no links pointing out of the repository.
  const diff = await input.stage('diff', async () => {
    const taken = await sandbox.exportDiff();
    assertSafeDiff(taken);
    return taken;
  });
  const counts = countDiff(diff);
  if (verifyFailure) return result('verify-failed', { failure: verifyFailure, steps, diff, counts, detail: verifyFailure.message });
  if (config.job.select === 'score' && config.job.candidates.length > 1) {
    const { score, detail } = await runScore(deps, config, transform, steps);
    return result(score === null ? 'score-failed' : 'passed', { steps, diff, counts, score, detail });
  }
  return result('passed', { steps, diff, counts });
}
