/** What `fleetmod show` does (registered in show.ts, loaded only when it runs). */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../domain/errors.js';
import { candidateEntries, e2bPricingOf } from '../../report/candidates.js';
import { stripControl } from '../../report/escape.js';
import { renderShow } from '../../report/render-show.js';
import { openTimeEnd } from '../../report/clock.js';
import { repoArgument } from '../../report/find-repo.js';
import { repoEntry } from '../../report/summarize.js';
import { runCrashed } from '../../orchestrator/run-liveness.js';
import type { CandidateRecord } from '../../store/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { journalArgs } from '../global-options.js';
import type { CliIo } from '../io.js';
import { pickRepo } from './pick-repo.js';
import { findRun, openJournal } from './journal-access.js';

export interface ShowCommandOptions {
  diff?: boolean;
  log?: boolean;
  candidate?: string;
  stateDir?: string;
  db?: string;
}

export async function showCommand(io: CliIo, runId: string, query: string, opts: ShowCommandOptions): Promise<ExitCode> {
  const store = openJournal(io, opts);
  try {
    const run = findRun(store, runId);
    const tasks = store.listTasks(run.id);
    const task = pickRepo(tasks, query, run.id);
    // On a terminal, output that came from the sandbox cannot move the cursor or retitle the window.
    const raw = (text: string) => (io.isTTY ? stripControl(text) : text);
    const candidates = latestCandidates(store.listCandidates(task.id));
    // Each part asked for is printed as stored; with more than one, a header says which is which. A part that is
    // not there (no diff: the repo failed or was unchanged) is an error when it is all that was asked for, so a
    // script piping `--diff` into `git apply` stops; beside other parts it is said under its header instead, so
    // `--log --diff` on a failed repo shows the log and succeeds.
    const parts: { header: string; text: () => Promise<string | { absent: string }> }[] = [];
    if (opts.log) {
      parts.push({
        header: `log of ${task.repo.display}`,
        text: () => readLog(store.readTaskLog(task.id), task.logPath, store.listStepResults(task.id)),
      });
    }
    if (opts.diff) {
      parts.push({
        header: `diff of ${task.repo.display}`,
        text: async () => {
          // An unchanged repo's diff is journaled as '' (a result to reuse), which is no patch either.
          if (!task.diff) return { absent: `${task.repo.display} has no diff in run ${run.id} (${task.outcome ?? task.status})` };
          return task.diff;
        },
      });
    }
    if (opts.candidate !== undefined) {
      const candidate = findCandidate(candidates, opts.candidate, `${task.repo.display} in run ${run.id}`);
      const text = async () => (candidate.diff === '' ? { absent: `candidate ${candidate.name} of ${task.repo.display} made no change (${candidate.status})` } : candidate.diff);
      parts.push({ header: `diff of candidate ${candidate.name} of ${task.repo.display}`, text });
    }
    for (const [i, part] of parts.entries()) {
      const text = await part.text();
      if (parts.length === 1 && typeof text !== 'string') throw new UsageError(text.absent);
      if (parts.length > 1) io.stdout(`${i > 0 ? '\n' : ''}==> ${part.header}\n`);
      io.stdout(typeof text === 'string' ? raw(text) : `(${text.absent})\n`);
    }
    if (parts.length > 0) return EXIT.ok;
    const steps = store.listStepResults(task.id);
    const now = Date.now();
    const crashed = runCrashed(run, now);
    const end = openTimeEnd(run, crashed, now, crashed ? store.lastTaskWriteAt(run.id) : null);
    const entry = repoEntry(task, store.listStageEvents(task.id), steps, end, candidateEntries(candidates, e2bPricingOf(run)), crashed);
    io.stdout(renderShow({ run, repo: entry, steps, events: store.listEvents(task.id), journalArgs: journalArgs(io, opts), repoArgument: repoArgument(tasks, task.repo) }));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** The candidates of the latest attempt that ran them (the one whose choice was shipped). */
function latestCandidates(all: readonly CandidateRecord[]): CandidateRecord[] {
  const latest = Math.max(0, ...all.map((c) => c.attempt));
  return all.filter((c) => c.attempt === latest);
}

/** A candidate by its name (case-insensitive) or its number in the list (1, 2, …). */
function findCandidate(candidates: readonly CandidateRecord[], query: string, where: string): CandidateRecord {
  if (candidates.length === 0) throw new UsageError(`${where} ran no candidates (the job has one candidate; --diff prints its patch)`);
  const q = query.trim().toLowerCase();
  const found =
    candidates.find((c) => c.name === query) ?? candidates.find((c) => c.name.toLowerCase() === q) ?? candidates.find((c) => String(c.position + 1) === q);
  if (found) return found;
  throw new UsageError(`${where} has no candidate "${query}"; its candidates: ${candidates.map((c) => c.name).join(', ')}`);
}

/**
 * The log as the journal has it; for a run journaled before logs were (a file per repo), that file; when it is gone
 * too (folder cleaned, other machine), the output the journal kept of each command.
 */
async function readLog(
  journaled: string,
  logPath: string | null,
  steps: readonly { attempt: number; kind: string; name: string; stdout: string; stderr: string }[],
): Promise<string> {
  if (journaled !== '') return journaled;
  if (logPath) {
    try {
      return await readFile(logPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const lines = [`(log file ${logPath ?? 'was never written'}${logPath ? ' is gone' : ''}; output the journal kept of each command:)`];
  for (const s of steps) {
    lines.push(`--- attempt ${s.attempt} ${s.kind} ${s.name}`);
    if (s.stdout) lines.push(s.stdout.replace(/\n$/, ''));
    if (s.stderr) lines.push(`[stderr]\n${s.stderr.replace(/\n$/, '')}`);
  }
  return `${lines.join('\n')}\n`;
}
