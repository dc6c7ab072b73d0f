/**
 * Journal records built in memory for report tests that need many repos or one exact shape (no SQLite): a run, its
 * tasks with every column at a plain default, and the RunData the report is made from.
 */
import type { RunData } from '../../src/report/run-data.js';
import type { RunRecord, TaskRecord } from '../../src/store/types.js';

export const T0 = Date.UTC(2024, 5, 2, 2, 0, 0);

export function run(id: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id, jobName: 'migrate-logging', manifestPath: '/jobs/m.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false,
    status: 'finished', statusReason: null, runDir: `/home/runner/.fleetmod/runs/${id}`, createdAt: T0, updatedAt: T0 + 3_600_000,
    finishedAt: T0 + 3_600_000, ownerPid: null, ownerHost: null, heartbeatAt: null, transformKey: null, noReuse: false, ...patch,
  };
}

export function task(id: number, runId: string, name: string, patch: Partial<TaskRecord> = {}): TaskRecord {
  const key = `acme-corp/${name}`;
  return {
    id, runId, position: id, repo: { key, url: `https://github.com/${key}.git`, kind: 'github', owner: 'acme-corp', name, display: key, env: {} } as any,
    status: 'done', stage: 'pr', outcome: 'unchanged', errorClass: null, errorMessage: null, skipReason: null, attempts: 1, retries: 0,
    baseBranch: 'main', baseSha: null, branch: 'fleetmod/migrate-logging', headSha: null, commitTime: null, reusedFromRun: null, diff: null,
    filesChanged: null, insertions: null, deletions: null, pushed: false, prNumber: null, prUrl: null, prState: null, prDraft: null,
    prChecks: null, prReview: null, prMergedAt: null, prRefreshedAt: null, prRequestedAt: null, prCloseRequestedAt: null,
    sandboxSeconds: 0, costUsd: 0, logPath: null, startedAt: T0 + id * 1000, finishedAt: T0 + id * 1000 + 60_000, updatedAt: T0, ...patch,
  };
}

export function data(r: RunRecord, tasks: TaskRecord[], extra: Partial<RunData> = {}): RunData {
  return { run: r, tasks, stageEvents: [], stepResults: [], candidates: [], previous: null, generatedAt: T0 + 4_000_000, ownerGone: false, lastTaskWriteAt: null, ...extra };
}
