/** What `fleetmod status` does (registered in status.ts, loaded only when it runs). */
import { existsSync } from 'node:fs';
import { RunNotFound } from '../../domain/errors.js';
import type { Job } from '../../manifest/job.js';
import { runCrashed } from '../../orchestrator/run-liveness.js';
import { refreshPrStatus } from '../../orchestrator/refresh-pr-status.js';
import { renderStatus } from '../../report/render-status.js';
import { statusJson } from '../../report/status-json.js';
import { createCodeHosts, createGit, createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { journalArgs, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';
import { findRun } from './journal-access.js';

export interface StatusOptions {
  refresh?: boolean;
  json?: boolean;
  stateDir?: string;
  db?: string;
}

export async function statusCommand(io: CliIo, runId: string | undefined, opts: StatusOptions): Promise<ExitCode> {
  const { dbPath } = stateLocation(io, opts);
  if (!existsSync(dbPath)) throw new RunNotFound(`no journal at ${dbPath} yet: run a job first (fleetmod run JOB.yaml)`);
  const redactor = createRedactorFor(io);
  const store = openStore(dbPath, redactor);
  try {
    const run = findRun(store, runId);
    let code: ExitCode = EXIT.ok;
    if (opts.refresh) {
      const job = JSON.parse(run.jobJson) as Job;
      const codeHosts = createCodeHosts(job, io, createGit(io), { redactor, notice: (_level, text) => io.stderr(`${text}\n`) });
      const result = await refreshPrStatus({ store, codeHosts, now: Date.now }, run.id);
      for (const f of result.failures) io.stderr(`fleetmod: ${f.task.repo.display}: could not read pull request #${f.task.prNumber}: ${redactor.redact(f.message)}\n`);
      if (result.failures.length > 0) code = EXIT.repoFailures;
    }
    const tasks = store.listTasks(run.id);
    const now = Date.now();
    const crashed = runCrashed(run, now);
    const journal = journalArgs(io, opts);
    if (opts.json) {
      for (const t of tasks) io.stdout(`${JSON.stringify(statusJson(run, t, crashed, journal))}\n`);
    } else {
      io.stdout(renderStatus(run, tasks, now, crashed, journal));
    }
    return code;
  } finally {
    store.close();
  }
}
