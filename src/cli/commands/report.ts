import { existsSync } from 'node:fs';
/** `fleetmod report [RUN]`: the summary of a run (default: the latest), from the journal, at any time. */
import type { Command } from 'commander';
import { RunNotFound } from '../../domain/errors.js';
import { loadRunData } from '../../report/run-data.js';
import { renderText } from '../../report/render-text.js';
import { summarize } from '../../report/summarize.js';
import { createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { addStateOptions, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

export function registerReport(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('report')
      .description('print the report of a run (default: the latest), also while it is running')
      .argument('[run]', 'run id'),
  ).action(async (runId: string | undefined, opts: { stateDir?: string; db?: string }) => {
    setExit(await reportCommand(io, runId, opts));
  });
}

export async function reportCommand(io: CliIo, runId: string | undefined, opts: { stateDir?: string; db?: string }): Promise<ExitCode> {
  const { dbPath } = stateLocation(io, opts);
  if (!existsSync(dbPath)) throw new RunNotFound(`no journal at ${dbPath} yet: run a job first (fleetmod run JOB.yaml)`);
  const store = openStore(dbPath, createRedactorFor(io));
  try {
    const run = runId ? store.getRun(runId) : store.latestRun();
    if (!run) throw new RunNotFound(runId ? `run ${runId} is not in ${dbPath}` : `no runs in ${dbPath} yet`);
    const data = loadRunData(store, run.id);
    if (!data) throw new RunNotFound(`run ${run.id} disappeared`);
    io.stdout(renderText(summarize(data)));
    return EXIT.ok;
  } finally {
    store.close();
  }
}
