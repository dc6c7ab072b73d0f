/** The journal as the commands that read it find it: opened only when it exists, and a run named on the command line. */
import { existsSync } from 'node:fs';
import { RunNotFound } from '../../domain/errors.js';
import type { RunRecord, RunStore } from '../../store/types.js';
import { createRedactorFor, openStore } from '../compose.js';
import { stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

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
