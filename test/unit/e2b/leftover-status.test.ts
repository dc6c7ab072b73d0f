import { describe, expect, it } from 'vitest';
import { classifySandbox, killTargets, renderSandboxTable } from '../../../src/sandbox/e2b/leftover-status.js';
import type { FleetmodSandbox } from '../../../src/sandbox/e2b/leftovers.js';
import type { RunRecord } from '../../../src/store/types.js';

const NOW = 1_800_000_000_000;

function run(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 'r',
    jobName: 'j',
    manifestPath: '/j.yaml',
    manifestHash: 'h',
    jobJson: '{}',
    provider: 'e2b',
    dryRun: false,
    status: 'running',
    statusReason: null,
    runDir: '/runs/r',
    createdAt: NOW - 60_000,
    updatedAt: NOW,
    finishedAt: null,
    ownerPid: 100,
    ownerHost: 'here',
    heartbeatAt: NOW - 1_000,
    transformKey: null,
    noReuse: false,
    ...overrides,
  };
}

const sandbox = (id: string, runId: string): FleetmodSandbox => ({
  id,
  job: 'j',
  run: runId,
  repo: `org/${id}`,
  template: 'base',
  startedAt: new Date(NOW - 90_000),
  endAt: new Date(NOW + 60_000),
  createId: `attempt-${id}`,
});

describe('leftover sandboxes', () => {
  const runs: Record<string, RunRecord> = {
    live: run({ id: 'live' }),
    elsewhere: run({ id: 'elsewhere', ownerHost: 'other-host', ownerPid: 1 }),
    interrupted: run({ id: 'interrupted', status: 'interrupted', heartbeatAt: null, ownerPid: null }),
    stale: run({ id: 'stale', heartbeatAt: NOW - 120_000 }),
    crashed: run({ id: 'crashed', ownerPid: 999 }),
  };
  const ctx = { getRun: (id: string) => runs[id], now: NOW, host: 'here', processAlive: (pid: number) => pid === 100, staleAfterMs: 30_000 };

  it('classifies each sandbox by what the journal says about its run', () => {
    const statuses = ['live', 'elsewhere', 'interrupted', 'stale', 'crashed', 'unknown'].map((r) => {
      const c = classifySandbox(sandbox(`s-${r}`, r), ctx);
      return [r, c.status, c.why];
    });

    expect(statuses).toEqual([
      ['live', 'live', 'process 100 on here is running it'],
      ['elsewhere', 'live', 'process 1 on other-host is running it'],
      ['interrupted', 'leftover', 'run interrupted'],
      ['stale', 'leftover', 'run stopped sending heartbeats'],
      ['crashed', 'leftover', 'process 999 is gone'],
      ['unknown', 'unknown', 'run not in this journal'],
    ]);
  });

  it('kills leftovers; unknown runs only when named; everything with --force', () => {
    const all = ['live', 'interrupted', 'unknown'].map((r) => classifySandbox(sandbox(`s-${r}`, r), ctx));

    expect(killTargets(all, { runNamed: false, force: false }).map((s) => s.id)).toEqual(['s-interrupted']);
    expect(killTargets(all, { runNamed: true, force: false }).map((s) => s.id)).toEqual(['s-interrupted', 's-unknown']);
    expect(killTargets(all, { runNamed: false, force: true })).toHaveLength(3);
  });

  it('renders an aligned table', () => {
    const rows = renderSandboxTable([classifySandbox(sandbox('s-1', 'interrupted'), ctx)], NOW);

    expect(rows).toEqual([
      '  SANDBOX  RUN          STATUS    AGE    REPO     WHY',
      '  s-1      interrupted  leftover  1m30s  org/s-1  run interrupted',
    ]);
  });
});
