import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/report/compare.js';
import type { RepoEntry } from '../../../src/report/model.js';
import type { RunRecord, TaskRecord } from '../../../src/store/types.js';

const ENDED = Date.parse('2026-11-20T06:00:00Z');

function task(name: string, patch: Partial<TaskRecord>): TaskRecord {
  return {
    id: 1, runId: 'r', position: 0, repo: { key: `acme/${name}`, url: '', kind: 'github', owner: 'acme', name, display: `acme/${name}`, env: {} },
    status: 'done', stage: 'pr', outcome: 'pr-opened', errorClass: null, errorMessage: null, skipReason: null, attempts: 1, retries: 0,
    baseBranch: 'main', baseSha: null, branch: 'b', headSha: null, commitTime: null, reusedFromRun: null, diff: null, filesChanged: null, insertions: null,
    deletions: null, pushed: true, prNumber: 1, prUrl: `https://github.com/acme/${name}/pull/1`, prState: 'open', prDraft: false,
    prChecks: null, prReview: null, prMergedAt: null, prRefreshedAt: null, prRequestedAt: null, prCloseRequestedAt: null, sandboxSeconds: 0, costUsd: 0, logPath: null,
    startedAt: null, finishedAt: null, updatedAt: 0, ...patch,
  };
}

const previousRun = { id: 'prev', status: 'finished', createdAt: ENDED - 3_600_000, finishedAt: ENDED, updatedAt: ENDED } as RunRecord;

describe('comparison with the previous run', () => {
  it('lists only PRs merged or closed after the previous run; not the ones it closed itself or found merged already', () => {
    const previous = [
      task('merged-since', { prState: 'merged', prMergedAt: ENDED + 60_000, prRefreshedAt: ENDED + 120_000 }),
      task('merged-before', { prState: 'merged', prMergedAt: ENDED - 60_000 }),
      task('closed-since', { prState: 'closed', prRefreshedAt: ENDED + 120_000 }),
      task('closed-by-that-run', { outcome: 'pr-closed', prState: 'closed' }),
      task('still-open', {}),
    ];

    const result = compareRuns([], [], { run: previousRun, tasks: previous });

    expect(result.prsMerged.map((p) => p.display)).toEqual(['acme/merged-since']);
    expect(result.prsClosed.map((p) => p.display)).toEqual(['acme/closed-since']);
  });

  it('a repo that failed before is newly fixed only when it changed or had nothing to change now; skipped or pending is not', () => {
    const failed = (name: string) => task(name, { outcome: 'failed', errorClass: 'permanent', errorMessage: 'boom', prUrl: null });
    const previous = ['archived', 'pending', 'changed', 'unchanged'].map(failed);
    const current = [
      task('archived', { outcome: 'skipped', skipReason: 'repository acme/archived is archived', prUrl: null }),
      task('pending', { status: 'pending', outcome: null, prUrl: null }),
      task('changed', {}),
      task('unchanged', { outcome: 'unchanged', prUrl: null }),
    ];
    const entries = current.map((t) => ({ key: t.repo.key, display: t.repo.display, status: t.status, outcome: t.outcome }) as RepoEntry);

    const result = compareRuns(entries, current, { run: previousRun, tasks: previous });

    expect(result.newlyFixed.map((c) => c.display)).toEqual(['acme/changed', 'acme/unchanged']);
    expect(result.newlyFailing).toEqual([]);
  });

  it('a repo the previous run left pending (it paused at the canary) is not newly failing when it fails now', () => {
    const previous = [
      task('canary-failed', { outcome: 'failed', errorClass: 'permanent', errorMessage: 'boom', prUrl: null }),
      task('never-ran', { status: 'pending', outcome: null, prUrl: null }),
      task('worked', {}),
    ];
    const current = ['canary-failed', 'never-ran', 'worked'].map((name) => task(name, { outcome: 'failed', errorClass: 'permanent', errorMessage: 'boom', prUrl: null }));
    const entries = current.map((t) => ({ key: t.repo.key, display: t.repo.display, status: t.status, outcome: t.outcome }) as RepoEntry);

    const result = compareRuns(entries, current, { run: { ...previousRun, status: 'paused', finishedAt: null }, tasks: previous });

    expect(result.newlyFailing.map((c) => c.display)).toEqual(['acme/worked']);
    expect(result.stillFailing).toBe(1);
    expect(result.newlyFixed).toEqual([]);
  });
});
