/** What `fleetmod sandboxes` does (registered in sandboxes.ts, loaded only when it runs). */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { AuthenticationError } from 'e2b';
import { SandboxUnavailable, UsageError } from '../../domain/errors.js';
import { STALE_HEARTBEAT_MS } from '../../orchestrator/run-liveness.js';
import { createE2bClient, describeEndpoint, e2bConnectionFromEnv } from '../../sandbox/e2b/connection.js';
import { describeSdkError } from '../../sandbox/e2b/errors.js';
import { classifySandbox, killTargets, renderSandboxTable, type ClassifiedSandbox } from '../../sandbox/e2b/leftover-status.js';
import { killSandboxes, listFleetmodSandboxes } from '../../sandbox/e2b/leftovers.js';
import type { RunStore } from '../../store/types.js';
import { createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { journalArgs, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';
import { processAlive } from '../../util/process-alive.js';
import { findRun, openJournal } from './journal-access.js';

export interface SandboxesOptions {
  kill?: boolean;
  force?: boolean;
  json?: boolean;
  stateDir?: string;
  db?: string;
}

export async function sandboxesCommand(io: CliIo, named: string | undefined, opts: SandboxesOptions): Promise<ExitCode> {
  // The journal says which run is `latest` (E2B knows sandboxes by run id only) and whose sandboxes are in use.
  const { dbPath } = stateLocation(io, opts);
  const store = named === 'latest' ? openJournal(io, opts) : existsSync(dbPath) ? openStore(dbPath, createRedactorFor(io)) : undefined;
  try {
    const run = named === 'latest' ? findRun(store as RunStore, 'latest').id : named;
    const connection = e2bConnectionFromEnv(io.env);
    if (!connection.apiKey) throw new UsageError('E2B_API_KEY is not set; fleetmod sandboxes lists the sandboxes of that E2B account');
    const client = createE2bClient(connection);
    const found = await listOrExplain(() => listFleetmodSandboxes(client, run ? { run } : {}), describeEndpoint(connection));
    const now = Date.now();
    const ctx = { getRun: (id: string) => store?.getRun(id), now, host: os.hostname(), processAlive, staleAfterMs: STALE_HEARTBEAT_MS };
    const sandboxes = found.map((s) => classifySandbox(s, ctx)).sort((a, b) => a.run.localeCompare(b.run) || a.startedAt.getTime() - b.startedAt.getTime());
    const targets = opts.kill ? killTargets(sandboxes, { runNamed: run !== undefined, force: Boolean(opts.force) }) : [];
    const outcome = await killSandboxes(client, targets.map((s) => s.id));

    if (opts.json) {
      io.stdout(`${JSON.stringify({ sandboxes, ...(opts.kill && { killed: outcome.killed, gone: outcome.gone, failed: outcome.failed }) }, null, 2)}\n`);
    } else {
      io.stdout(summaryText(sandboxes, run, now, opts, outcome, journalArgs(io, opts)));
    }
    return outcome.failed.length > 0 ? EXIT.repoFailures : EXIT.ok;
  } finally {
    store?.close();
  }
}

function summaryText(
  sandboxes: ClassifiedSandbox[],
  run: string | undefined,
  now: number,
  opts: SandboxesOptions,
  outcome: Awaited<ReturnType<typeof killSandboxes>>,
  /** The --state-dir/--db this command was given, for the command it suggests. */
  journal: string,
): string {
  const scope = run ? ` of run ${run}` : '';
  if (sandboxes.length === 0) return `No fleetmod sandboxes${scope} are running on E2B.\n`;
  const out = [`${sandboxes.length} fleetmod sandbox(es)${scope} running on E2B:`, ...renderSandboxTable(sandboxes, now)];
  const count = (status: ClassifiedSandbox['status']) => sandboxes.filter((s) => s.status === status).length;
  if (opts.kill) {
    out.push('', `killed ${outcome.killed.length}${outcome.gone.length ? ` (${outcome.gone.length} already gone)` : ''}`);
    for (const f of outcome.failed) out.push(`could not kill ${f.id}: ${f.error}`);
    const spared = sandboxes.length - outcome.killed.length - outcome.gone.length - outcome.failed.length;
    if (spared > 0) out.push(`left ${spared} alone: in use by a live run, or of a run not in this journal (name the run, or add --force)`);
  } else if (count('leftover') + (run ? count('unknown') : 0) > 0) {
    out.push('', `${count('leftover') + (run ? count('unknown') : 0)} can be stopped: fleetmod sandboxes${run ? ` ${run}` : ''} --kill${journal}`);
  }
  return `${out.join('\n')}\n`;
}

async function listOrExplain<T>(list: () => Promise<T>, endpoint: string): Promise<T> {
  try {
    return await list();
  } catch (err) {
    if (err instanceof AuthenticationError) throw new UsageError(`the E2B API at ${endpoint} rejected E2B_API_KEY`);
    // Nothing was listed or killed: like a missing key, the command could not start (exit 2), not a failed repository.
    throw new SandboxUnavailable(`cannot list sandboxes at ${endpoint}: ${describeSdkError(err)}`, 'check the network and E2B_API_URL / E2B_DOMAIN, then run it again');
  }
}
