/**
 * Two fleetmods resuming the same run at once: the check that nobody works on it and the claim are one transaction
 * committed before any work, so the second one to claim sees the first one's claim and is refused — even in the same
 * turn of the event loop as the first claim, before any group commit could have written it. A run whose owner is
 * gone (stale heartbeat) is still taken over.
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
});
