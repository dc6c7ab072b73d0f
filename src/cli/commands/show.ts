/**
 * `fleetmod show RUN REPO`: one repo of a run — outcome, stage timings, commands, events — or, with `--diff` /
 * `--log`, its patch or its full log as they are (pipeable: `fleetmod show RUN REPO --diff | git apply`).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.js';
import { stripControl } from '../../report/escape.js';
import { findRepo } from '../../report/find-repo.js';
import { renderShow } from '../../report/render-show.js';
import { repoEntry } from '../../report/summarize.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { findRun, openJournal } from './report.js';

export interface ShowCommandOptions {
  diff?: boolean;
  log?: boolean;
  stateDir?: string;
  db?: string;
}

export function registerShow(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('show')
      .description("show one repo of a run: outcome, stage timings, commands; --diff / --log print its patch / its full log")
      .argument('<run>', 'run id, or "latest"')
      .argument('<repo>', 'repo key, display name, name, or a unique part of one')
      .option('--diff', 'print the repo\'s diff (the patch as stored, also for dry runs)')
      .option('--log', 'print the repo\'s full log'),
  ).action(async (runId: string, repo: string, opts: ShowCommandOptions) => {
    setExit(await showCommand(io, runId, repo, opts));
  });
}

export async function showCommand(io: CliIo, runId: string, query: string, opts: ShowCommandOptions): Promise<ExitCode> {
  const store = openJournal(io, opts);
  try {
    const run = findRun(store, runId);
    const tasks = store.listTasks(run.id);
    const match = query.trim() === '' ? { candidates: [] } : findRepo(tasks, query);
    if (!match.task) {
      if (match.candidates.length === 0) throw new UsageError(`no repo of run ${run.id} matches "${query}" (${tasks.length} repos in the run)`);
      const names = match.candidates.slice(0, 10).map((t) => t.repo.display);
      const more = match.candidates.length > 10 ? `, … and ${match.candidates.length - 10} more` : '';
      throw new UsageError(`"${query}" matches ${match.candidates.length} repos of run ${run.id}: ${names.join(', ')}${more}; be more specific`);
    }
    const task = match.task;
    // On a terminal, output that came from the sandbox cannot move the cursor or retitle the window.
    const raw = (text: string) => (io.isTTY ? stripControl(text) : text);
    if (opts.log) {
      if (opts.diff) io.stdout(`==> log of ${task.repo.display}: ${task.logPath ?? '(none)'}\n`);
      io.stdout(raw(await readLog(task.logPath, store.listStepResults(task.id))));
    }
    if (opts.diff) {
      if (opts.log) io.stdout(`\n==> diff of ${task.repo.display}\n`);
      if (task.diff === null) throw new UsageError(`${task.repo.display} has no diff in run ${run.id} (${task.outcome ?? task.status})`);
      io.stdout(raw(task.diff));
    }
    if (opts.log || opts.diff) return EXIT.ok;
    const steps = store.listStepResults(task.id);
    const entry = repoEntry(task, store.listStageEvents(task.id), steps, Date.now());
    io.stdout(renderShow({ run, repo: entry, steps, events: store.listEvents(task.id) }));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** The log file; when it is gone (folder cleaned, other machine), the output the journal kept of each command. */
async function readLog(logPath: string | null, steps: readonly { attempt: number; kind: string; name: string; stdout: string; stderr: string }[]): Promise<string> {
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
