/**
 * Two fleetmods resuming the same run at once: the check that nobody works on it and the claim are one transaction
 * committed before any work, so the second one to claim sees the first one's claim and is refused — even in the same
 * turn of the event loop as the first claim, before any group commit could have written it. A run whose owner is
 * gone (stale heartbeat) is still taken over. The same holds for two new runs of one job (one live run per job): the
 * check that no other process runs the job is part of the claim's transaction, not only a look before the run is made.
 */
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import { claimRun } from '../../src/orchestrator/run-claim.js';
import { STALE_HEARTBEAT_MS } from '../../src/orchestrator/run-liveness.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import type { RunStore } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { tempDir } from '../support/temp.js';

async function journalWithInterruptedRun(): Promise<{ file: string; runId: string }> {
  const file = path.join(await tempDir('fleetmod-claim-'), 'fleetmod.db');
  const db = openDb(file);
  migrate(db);
  const store = createSqliteRunStore(db, { redactor: createRedactor([]) });
  store.createRun({ id: 'r1', jobName: 'j', manifestPath: 'j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/nowhere', transformKey: null });
  store.setRunStatus('r1', 'interrupted', 'stopped by user');
  store.close();
  return { file, runId: 'r1' };
}

/** A second connection to the journal, as another fleetmod process has, committing like a run process does. */
function newRun(store: RunStore, id: string, dryRun = false) {
  return store.createRun({ id, jobName: 'j', manifestPath: 'j.yaml', manifestHash: id, jobJson: '{}', provider: 'local', dryRun, runDir: '/nowhere', transformKey: null });
}

function connection(file: string, now: () => number): RunStore {
  const db = openDb(file);
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), groupCommit: true, now });
  onTestFinished(() => store.close());
  return store;
}

describe('claiming a run', () => {
  it('of two claims from two connections, only the first wins; the second is refused at once', async () => {
    const { file, runId } = await journalWithInterruptedRun();
    const now = Date.now;
    const a = connection(file, now);
    const b = connection(file, now);
    const runA = a.getRun(runId)!;
    const runB = b.getRun(runId)!;

    const claimedByA = claimRun({ store: a, now }, runA, { pid: 1001, host: 'host-a' });
    const claimedByB = (() => {
      try {
        return claimRun({ store: b, now }, runB, { pid: 2002, host: 'host-b' });
      } catch (err) {
        return err;
      }
    })();

    expect(claimedByA).toMatchObject({ status: 'running', ownerPid: 1001, ownerHost: 'host-a' });
    expect(claimedByB).toBeInstanceOf(UsageError);
    expect((claimedByB as Error).message).toContain('is being worked on by process 1001 on host-a');
    expect(b.getRun(runId)).toMatchObject({ ownerPid: 1001, ownerHost: 'host-a' });
  });

  it('takes over a run whose owner stopped sending heartbeats', async () => {
    const { file, runId } = await journalWithInterruptedRun();
    let clock = Date.now();
    const now = () => clock;
    const a = connection(file, now);
    const b = connection(file, now);
    claimRun({ store: a, now }, a.getRun(runId)!, { pid: 1001, host: 'host-a' });

    clock += STALE_HEARTBEAT_MS + 1_000;
    const taken = claimRun({ store: b, now }, b.getRun(runId)!, { pid: 2002, host: 'host-b' });

    expect(taken).toMatchObject({ status: 'running', ownerPid: 2002, ownerHost: 'host-b' });
  });

  it('lets the owning process claim its own run again (a retry within it)', async () => {
    const { file, runId } = await journalWithInterruptedRun();
    const now = Date.now;
    const a = connection(file, now);
    const owner = { pid: 1001, host: 'host-a' };
    claimRun({ store: a, now }, a.getRun(runId)!, owner);

    expect(claimRun({ store: a, now }, a.getRun(runId)!, owner)).toMatchObject({ ownerPid: 1001 });
  });

  it('of two new runs of one job, each made before either was claimed, only the first claimed runs; the other is refused and removed', async () => {
    const { file } = await journalWithInterruptedRun();
    const now = Date.now;
    const a = connection(file, now);
    const b = connection(file, now);
    // Both looked before either claimed: neither saw the other's run live. (Each creation is committed by its group
    // commit at the end of the turn, as in a run process, before the other connection can write.)
    const runA = newRun(a, 'new-a');
    await new Promise(setImmediate);
    const runB = newRun(b, 'new-b');
    await new Promise(setImmediate);

    const claimedByA = claimRun({ store: a, now }, runA, { pid: 1001, host: 'host-a' }, { fresh: true });
    const refusedB = (() => {
      try {
        return claimRun({ store: b, now }, runB, { pid: 2002, host: 'host-b' }, { fresh: true });
      } catch (err) {
        return err;
      }
    })();

    expect(claimedByA).toMatchObject({ id: 'new-a', ownerPid: 1001 });
    expect(refusedB).toBeInstanceOf(UsageError);
    expect((refusedB as Error).message).toContain('job "j" is being run by process 1001 on host-a (run new-a)');
    expect(b.getRun('new-b')).toBeUndefined();
    expect(b.getRun('new-a')).toMatchObject({ ownerPid: 1001 });
  });

  it('refuses going on with an older run of a job another process runs, and keeps that run', async () => {
    const { file, runId } = await journalWithInterruptedRun();
    const now = Date.now;
    const a = connection(file, now);
    const b = connection(file, now);
    claimRun({ store: a, now }, newRun(a, 'new-a'), { pid: 1001, host: 'host-a' }, { fresh: true });

    expect(() => claimRun({ store: b, now }, b.getRun(runId)!, { pid: 2002, host: 'host-b' })).toThrow('is being run by process 1001');
    expect(b.getRun(runId)).toMatchObject({ status: 'interrupted', ownerPid: null });
  });

  it('lets a dry run of the job claim alongside the live run, and a new run once the live one crashed', async () => {
    const { file } = await journalWithInterruptedRun();
    let clock = Date.now();
    const now = () => clock;
    const a = connection(file, now);
    const b = connection(file, now);
    claimRun({ store: a, now }, newRun(a, 'new-a'), { pid: 1001, host: 'host-a' }, { fresh: true });

    expect(claimRun({ store: b, now }, newRun(b, 'preview', true), { pid: 2002, host: 'host-b' }, { fresh: true })).toMatchObject({ ownerPid: 2002 });
    clock += STALE_HEARTBEAT_MS + 1_000;
    expect(claimRun({ store: b, now }, newRun(b, 'new-b'), { pid: 2002, host: 'host-b' }, { fresh: true })).toMatchObject({ ownerPid: 2002 });
  });
});
