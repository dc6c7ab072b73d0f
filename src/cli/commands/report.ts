/**
 * `fleetmod report [RUN]`: the report of a run (default: the latest) in any format, from the journal alone — while
 * the run is going, after a crash, or for any past run.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { RunNotFound, UsageError } from '../../domain/errors.js';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../report/render.js';
import { loadRunData } from '../../report/run-data.js';
import { summarize } from '../../report/summarize.js';
import type { RunRecord, RunStore } from '../../store/types.js';
import { createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { addStateOptions, journalArgs, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

export interface ReportCommandOptions {
  format?: string;
  out?: string;
  diffs?: boolean;
  stateDir?: string;
  db?: string;
}

export function registerReport(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('report')
      .description('print the report of a run (default: the latest), also while it is running')
      .argument('[run]', 'run id (default: the latest run)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
      .option('-o, --out <file>', 'write the report to a file instead of printing it')
      .option('--diffs', 'json: include every repo\'s (and every candidate\'s) full diff'),
  ).action(async (runId: string | undefined, opts: ReportCommandOptions) => {
    setExit(await reportCommand(io, runId, opts));
  });
}

export async function reportCommand(io: CliIo, runId: string | undefined, opts: ReportCommandOptions): Promise<ExitCode> {
  const format = opts.format ?? 'text';
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
  const store = openJournal(io, opts);
  try {
    const run = findRun(store, runId);
    const data = loadRunData(store, run.id, { now: Date.now(), fullCandidateDiffs: format === 'json' && Boolean(opts.diffs) });
    if (!data) throw new RunNotFound(`run ${run.id} disappeared from the journal`);
    const text = renderReport(summarize(data, { journalArgs: journalArgs(io, opts) }), format, { includeDiffs: Boolean(opts.diffs) });
    if (opts.out) {
      const file = path.resolve(io.cwd, opts.out);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      io.stdout(`Wrote the ${format} report of run ${run.id} to ${file}\n`);
    } else {
      io.stdout(text);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** Opens an existing journal; a missing one is a usage error with the way forward. */
export function openJournal(io: CliIo, opts: { stateDir?: string; db?: string }): RunStore {
  const { dbPath } = stateLocation(io, opts);
  if (!existsSync(dbPath)) throw new RunNotFound(`no journal at ${dbPath} yet: run a job first (fleetmod run JOB.yaml)`);
  return openStore(dbPath, createRedactorFor(io));
}

/** A run named on the command line: its id, or `latest` for the newest run. */
export function runNamed(store: RunStore, runId: string): RunRecord | undefined {
  return runId === 'latest' ? store.latestRun() : store.getRun(runId);
}

/** A run by id, or the latest run for no id or "latest". */
export function findRun(store: RunStore, runId: string | undefined): RunRecord {
  const latest = runId === undefined || runId === 'latest';
  const run = runNamed(store, runId ?? 'latest');
  if (run) return run;
  if (latest) throw new RunNotFound('the journal has no runs yet: run a job first (fleetmod run JOB.yaml)');
  const recent = store.listRuns(5).map((r) => `${r.id} (${r.jobName})`);
  throw new RunNotFound(`run ${runId} is not in the journal${recent.length ? `; recent runs: ${recent.join(', ')}` : ''}`);
}
