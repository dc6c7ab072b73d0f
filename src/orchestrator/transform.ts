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
  // up to the head the journal keeps too; the rest of what the journal keeps is added when the command ends, so
  // endless output cannot fill the disk through the log.
  const headLength = Math.max(1, Math.floor(config.job.sandbox.outputBytes / 2));
  const streams = {
    stdout: lineSplitter((line) => input.log.output(`  ${step.name} |`, line), headLength),
    stderr: lineSplitter((line) => input.log.output(`  ${step.name} !`, line), headLength),
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
    // What the log has not had yet of what the journal kept: the rest of the head (all of the output when nothing
    // was cut), then the cut and the tail.
    const tail = TAIL_AFTER_CUT.exec(text);
    const head = tail ? text.slice(0, tail.index) : text;
    input.log.output(`  ${step.name} ${prefix}`, head.slice(streams[stream].handed()));
    if (!tail) continue;
    input.log.line(`${step.name} ${stream}: … [${tail[1]} bytes of output cut by fleetmod] …${tail[2] ? ' (its tail follows)' : ''}`);
    if (tail[2]) input.log.output(`  ${step.name} ${prefix}`, tail[2]);
  }
  input.log.line(`${step.name}: ${describe(result)} in ${Math.round(result.durationMs)}ms`);
  return result;
}

/** The marker CappedOutput puts between the head and the tail it kept; group 2 is the tail. */
const TAIL_AFTER_CUT = /\n… \[(\d+) bytes of output cut by fleetmod\] …\n([\s\S]*)$/;

/**
 * Cuts a stream of chunks into whole lines (a chunk may end mid-line) and hands each line on, up to the first
 * `limit` characters of the stream: the head the journal keeps too (CappedOutput keeps as many). A runaway line is
 * handed on in pieces so memory stays bounded. `handed()` is how much of the stream was handed on (whole lines and
 * pieces), so what follows can be taken from the command's kept output once it ends.
 */
function lineSplitter(emit: (line: string) => void, limit: number): { push(chunk: string): void; end(): void; cut(): boolean; handed(): number } {
  const MAX_LINE = 64 * 1024;
  let pending = '';
  let handed = 0;
  let cut = false;
  const hand = (text: string, length: number) => {
    emit(text);
    handed += length;
  };
  return {
    cut: () => cut,
    handed: () => handed,
    push(chunk) {
      if (cut) return;
      const room = limit - handed - pending.length;
      if (chunk.length > room) cut = true;
      pending += cut ? chunk.slice(0, Math.max(0, room)) : chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        hand(pending.slice(0, newline), newline + 1);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      while (pending.length > MAX_LINE) {
        hand(pending.slice(0, MAX_LINE), MAX_LINE);
        pending = pending.slice(MAX_LINE);
      }
      // A line the limit cut in two is handed on whole by the caller, from the output kept.
      if (cut) pending = '';
    },
    end() {
      if (pending && !cut) hand(pending, pending.length);
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
