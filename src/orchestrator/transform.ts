/**
 * The sandbox part of a task: create a sandbox over the checkout, run the steps (honouring `if` and
 * `continue-on-error`), run the verify commands, and take the diff. Every step's result is journaled.
 */
import path from 'node:path';
import { HostDiskLow, StepFailed, VerifyFailed } from '../domain/errors.js';
import type { RepoRef } from '../domain/repo.js';
import { evaluateCondition, parseCondition } from '../manifest/condition.js';
import type { CandidateSpec, StepSpec, VerifySpec } from '../manifest/job.js';
import { renderTemplate } from '../manifest/template.js';
import type { ExecResult, Sandbox } from '../sandbox/types.js';
import type { TaskLog } from './task-log.js';
import type { TaskConfig, TaskDeps } from './task-context.js';
import { stepEnvironment, templateValues, type StepOutput } from './variables.js';

export interface TransformInput {
  repo: RepoRef;
  base: string;
  taskId: number;
  attempt: number;
  candidate: CandidateSpec;
  sandbox: Sandbox;
  log: TaskLog;
  signal: AbortSignal;
}

export interface TransformResult {
  steps: StepOutput[];
}

/** Runs the candidate's steps; throws StepFailed for the first failing step without continue-on-error. */
export async function runSteps(deps: TaskDeps, config: TaskConfig, input: TransformInput): Promise<TransformResult> {
  const outputs: StepOutput[] = [];
  for (const step of input.candidate.steps) {
    const values = templateValues({ job: config.job, runId: config.run.id, repo: input.repo, base: input.base, steps: outputs });
    if (step.if && !evaluateCondition(parseCondition(step.if), values)) {
      input.log.line(`step ${step.name}: skipped (if: ${step.if})`);
      record(deps, input, 'step', step.name, 'skipped', null, 0, '', '', false);
      outputs.push({ name: step.name, outcome: 'skipped', stdout: '' });
      continue;
    }
    const result = await execLogged(deps, config, input, step, renderTemplate(step.run, values), {
      ...input.candidate.env,
      ...step.env,
    });
    const outcome = result.exitCode === 0 ? 'success' : result.timedOut ? 'timeout' : 'failure';
    record(deps, input, 'step', step.name, outcome, result.exitCode, result.durationMs, result.stdout, result.stderr, result.truncated);
    if (result.hostDiskLow) throw new HostDiskLow(`step "${step.name}" did not finish: ${result.killedBy ?? 'the host disk is nearly full'}`, result.hostDiskLow.stillLow);
    outputs.push({ name: step.name, outcome, stdout: result.stdout });
    if (outcome !== 'success') {
      if (step.continueOnError) {
        input.log.line(`step ${step.name}: ${describe(result)}; continuing (continue-on-error)`);
        continue;
      }
      throw new StepFailed(step.name, result.exitCode, failureDetail(result));
    }
  }
  return { steps: outputs };
}

/** Runs every verify command; throws VerifyFailed for the first one that fails (its output is kept). */
export async function runVerify(
  deps: TaskDeps,
  config: TaskConfig,
  input: TransformInput,
  steps: readonly StepOutput[],
): Promise<void> {
  for (const check of config.job.verify) {
    const values = templateValues({ job: config.job, runId: config.run.id, repo: input.repo, base: input.base, steps });
    const result = await execLogged(deps, config, input, check, renderTemplate(check.run, values), {
      ...input.candidate.env,
      ...check.env,
    });
    const outcome = result.exitCode === 0 ? 'success' : result.timedOut ? 'timeout' : 'failure';
    record(deps, input, 'verify', check.name, outcome, result.exitCode, result.durationMs, result.stdout, result.stderr, result.truncated);
    if (result.hostDiskLow) throw new HostDiskLow(`verify "${check.name}" did not finish: ${result.killedBy ?? 'the host disk is nearly full'}`, result.hostDiskLow.stillLow);
    if (outcome !== 'success') throw new VerifyFailed(check.name, result.exitCode, failureDetail(result));
  }
}

/**
 * Runs the job's score command in the candidate's sandbox and reads the last number it prints (higher is
 * better). Returns null, with the reason journaled, when it fails or prints no number.
 */
export async function runScore(
  deps: TaskDeps,
  config: TaskConfig,
  input: TransformInput,
  steps: readonly StepOutput[],
): Promise<{ score: number | null; detail: string }> {
  const spec = config.job.score;
  if (!spec) return { score: null, detail: 'no score command' };
  const values = templateValues({ job: config.job, runId: config.run.id, repo: input.repo, base: input.base, steps });
  const check = { name: 'score', run: spec.run, env: {}, ...(spec.timeoutMs !== undefined && { timeoutMs: spec.timeoutMs }) };
  const result = await execLogged(deps, config, input, check, renderTemplate(spec.run, values), input.candidate.env);
  const numbers = result.stdout.match(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g);
  const score = result.exitCode === 0 && numbers ? Number(numbers[numbers.length - 1]) : null;
  const outcome = result.exitCode === 0 ? (score === null ? 'failure' : 'success') : result.timedOut ? 'timeout' : 'failure';
  record(deps, input, 'score', 'score', outcome, result.exitCode, result.durationMs, result.stdout, result.stderr, result.truncated);
  if (score === null) {
    return { score: null, detail: result.exitCode === 0 ? 'the score command printed no number' : `the score command failed: ${failureDetail(result)}` };
  }
  return { score, detail: `score ${score}` };
}

async function execLogged(
  deps: TaskDeps,
  config: TaskConfig,
  input: TransformInput,
  step: StepSpec | VerifySpec,
  command: string,
  env: Record<string, string>,
): Promise<ExecResult> {
  input.log.line(`$ ${step.name}: ${command.split('\n')[0]}${command.includes('\n') ? ' …' : ''}`);
  // Output reaches the log line by line while the command runs (a long agent step is not silent for 20 minutes),
  // up to the head the journal keeps too; the tail is added when the command ends, so endless output cannot fill
  // the disk through the log.
  const headBytes = Math.floor(config.job.sandbox.outputBytes / 2);
  const streams = {
    stdout: lineSplitter((line) => input.log.output(`  ${step.name} |`, line), headBytes),
    stderr: lineSplitter((line) => input.log.output(`  ${step.name} !`, line), headBytes),
  };
  const result = await input.sandbox.exec(command, {
    env: {
      ...stepEnvironment({ job: config.job, runId: config.run.id, repo: input.repo, base: input.base }),
      FLEETMOD_STEP: step.name,
      ...env,
    },
    ...(step.timeoutMs !== undefined && { timeoutMs: step.timeoutMs }),
    signal: input.signal,
    // Redacted as it arrives, before the line splitting below and the sandbox's output cap cut anything.
    redactor: deps.redactor,
    onOutput: (stream, chunk) => streams[stream].push(chunk),
  });
  streams.stdout.end();
  streams.stderr.end();
  for (const [stream, text, prefix] of [['stdout', result.stdout, '|'], ['stderr', result.stderr, '!']] as const) {
    if (!streams[stream].cut()) continue;
    const tail = TAIL_AFTER_CUT.exec(text);
    const cutBytes = tail ? `${tail[1]} bytes` : 'the rest';
    input.log.line(`${step.name} ${stream}: … [${cutBytes} of output cut by fleetmod] …${tail ? ' (its tail follows)' : ''}`);
    if (tail?.[2]) input.log.output(`  ${step.name} ${prefix}`, tail[2]);
  }
  input.log.line(`${step.name}: ${describe(result)} in ${Math.round(result.durationMs)}ms`);
  return result;
}

/**
 * Cuts a stream of chunks into whole lines (a chunk may end mid-line) and hands each line on; `end` flushes the
 * rest. A runaway line is handed on in pieces so memory stays bounded; after `limitBytes` nothing more is passed.
 */
/** The marker CappedOutput puts between the head and the tail it kept; group 2 is the tail. */
const TAIL_AFTER_CUT = /\n… \[(\d+) bytes of output cut by fleetmod\] …\n([\s\S]*)$/;

function lineSplitter(emit: (line: string) => void, limitBytes: number): { push(chunk: string): void; end(): void; cut(): boolean } {
  const MAX_LINE = 64 * 1024;
  let pending = '';
  let passed = 0;
  let cut = false;
  return {
    cut: () => cut,
    push(chunk) {
      if (cut) return;
      passed += chunk.length;
      if (passed > limitBytes) {
        cut = true;
        pending = '';
        return;
      }
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        emit(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      while (pending.length > MAX_LINE) {
        emit(pending.slice(0, MAX_LINE));
        pending = pending.slice(MAX_LINE);
      }
    },
    end() {
      if (pending && !cut) emit(pending);
      pending = '';
    },
  };
}

function record(
  deps: TaskDeps,
  input: TransformInput,
  kind: 'step' | 'verify' | 'score',
  name: string,
  outcome: 'success' | 'failure' | 'skipped' | 'timeout',
  exitCode: number | null,
  durationMs: number,
  stdout: string,
  stderr: string,
  truncated: boolean,
): void {
  deps.store.addStepResult({
    taskId: input.taskId,
    attempt: input.attempt,
    candidate: input.candidate.name,
    kind,
    name,
    outcome,
    exitCode,
    durationMs: Math.round(durationMs),
    stdout,
    stderr,
    truncated,
    at: deps.now(),
  });
}

function describe(result: ExecResult): string {
  if (result.timedOut) return 'timed out';
  if (result.killedBy) return `killed (${result.killedBy})`;
  return `exit ${result.exitCode}`;
}

/** The last lines of stderr (or stdout) as the short reason shown in the report. */
export function failureDetail(result: ExecResult): string {
  if (result.timedOut) {
    const extra = result.killedBy?.replace(/^timeout;?\s*/, '');
    return `timed out after ${Math.round(result.durationMs / 1000)}s${extra ? ` (${extra})` : ''}`;
  }
  if (result.killedBy) return `killed: ${result.killedBy}`;
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
  return text.length > 300 ? `…${text.slice(-300)}` : text;
}

/** Host paths of a candidate's step files, keyed by their name inside the sandbox. */
export function stepFiles(jobDir: string, steps: readonly StepSpec[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const step of steps) for (const file of step.files) files.set(file, path.join(jobDir, file));
  return files;
}
