/**
 * One live run per job also holds for going on with another run of the job: resuming an older unfinished run (by
 * id, or by running its manifest again) while another process runs a newer one would push to the same branches and
 * pull requests alongside it.
 */
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import type { Job } from '../../src/manifest/job.js';
import { selectRun, type RunSelection } from '../../src/orchestrator/select-run.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { tempDir } from '../support/temp.js';

async function journal(dryRunOld = false) {
  const file = path.join(await tempDir('fleetmod-live-'), 'fleetmod.db');
  const db = openDb(file);
  migrate(db);
  const store = createSqliteRunStore(db, { redactor: createRedactor([]) });
  onTestFinished(() => store.close());
  const run = (id: string, manifestHash: string, dryRun: boolean) =>
    store.createRun({ id, jobName: 'j', manifestPath: 'j.yaml', manifestHash, jobJson: '{}', provider: 'local', dryRun, runDir: '/nowhere', transformKey: null });
  run('r1', 'old', dryRunOld);
  store.setRunStatus('r1', 'interrupted', 'stopped by user');
  run('r2', 'new', false);
  store.claimRun('r2', { pid: 4242, host: 'another-host' }, () => true);
  return store;
}

function select(store: Awaited<ReturnType<typeof journal>>, selection: RunSelection, dryRun = false) {
  const job = { name: 'j', hash: 'old', file: 'j.yaml', steps: [], candidates: [] } as unknown as Job;
  const deps = { store, now: Date.now, progress: { notice: () => undefined } } as unknown as Parameters<typeof selectRun>[0];
  return selectRun(deps, { job, repos: [], selection, dryRun, stateDir: '/nowhere', owner: { pid: process.pid, host: 'this-host' } });
}

describe('one live run per job, going on with an older run', () => {
  it('refuses to resume another run of a job a live process is running', async () => {
    const store = await journal();

    await expect(select(store, { mode: 'resume', runId: 'r1' })).rejects.toThrow(UsageError);
    await expect(select(store, { mode: 'resume', runId: 'r1' })).rejects.toThrow(/job "j" is being run by process 4242 on another-host \(run r2\)/);
  });

  it('refuses to go on with an older run of the same manifest that `run` would resume', async () => {
    const store = await journal();

    await expect(select(store, { mode: 'auto' })).rejects.toThrow(/is being run by process 4242/);
  });

  it('lets a dry run be resumed alongside', async () => {
    const store = await journal(true);

    await expect(select(store, { mode: 'resume', runId: 'r1' })).resolves.toMatchObject({ run: { id: 'r1' }, resumed: true });
  });
});
