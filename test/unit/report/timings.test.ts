import { describe, expect, it } from 'vitest';
import type { StageEvent } from '../../../src/store/types.js';
import { summarize } from '../../../src/report/summarize.js';
import { activeTime, percentile, repoDuration, stageStats } from '../../../src/report/timings.js';
import { data, run, T0, task } from '../../support/report-records.js';

const ev = (taskId: number, stage: StageEvent['stage'], state: StageEvent['state'], at: number, durationMs: number | null = null): StageEvent => ({
  taskId,
  stage,
  state,
  at,
  durationMs,
  detail: null,
});

describe('percentile (nearest rank)', () => {
  it.each([
    { list: [], p: 50, want: 0 },
    { list: [7], p: 95, want: 7 },
    { list: [1, 2, 3, 4], p: 50, want: 2 },
    { list: Array.from({ length: 100 }, (_, i) => i + 1), p: 95, want: 95 },
    { list: Array.from({ length: 20 }, (_, i) => i + 1), p: 95, want: 19 },
    { list: [1, 2, 3], p: 100, want: 3 },
  ])('p$p of $list.length values is $want', ({ list, p, want }) => {
    expect(percentile(list, p)).toBe(want);
  });
});

describe('stage timings', () => {
  it('p50/p95/max per stage in stage order; skipped stages (diff reused) do not count; a stopped stage is not a failed one', () => {
    const events = [
      ev(1, 'clone', 'started', 0),
      ev(1, 'clone', 'succeeded', 100, 100),
      ev(2, 'clone', 'failed', 300, 300),
      ev(3, 'clone', 'stopped', 50, 50),
      ev(1, 'resolve', 'succeeded', 10, 10),
      ev(1, 'steps', 'skipped', 0, 0),
    ];

    expect(stageStats(events)).toEqual([
      { stage: 'resolve', count: 1, failed: 0, stopped: 0, p50Ms: 10, p95Ms: 10, maxMs: 10, totalMs: 10 },
      { stage: 'clone', count: 3, failed: 1, stopped: 1, p50Ms: 100, p95Ms: 300, maxMs: 300, totalMs: 450 },
    ]);
  });

  it("a repo's time is its stages, so a night between two attempts does not count; a running stage counts to now", () => {
    const night = 9 * 3_600_000;
    const events = [ev(1, 'clone', 'succeeded', 1_000, 1_000), ev(1, 'steps', 'started', 1_000 + night), ev(1, 'steps', 'succeeded', 3_000 + night, 2_000)];

    expect(repoDuration(events, { status: 'done', startedAt: 0, finishedAt: 3_000 + night }, 0)).toBe(3_000);
    expect(repoDuration(events.slice(0, 2), { status: 'running', startedAt: 0, finishedAt: null }, 1_500 + night)).toBe(1_500);
    expect(repoDuration([], { status: 'done', startedAt: 100, finishedAt: 350 }, 0)).toBe(250);
    expect(repoDuration([], { status: 'pending', startedAt: null, finishedAt: null }, 0)).toBeNull();
  });

  it("best of N: the verify stage inside the steps stage (the candidates' verify) counts once", () => {
    // Steps from 1 000 to 11 000 cover every candidate's work; the slowest candidate's verify took 3 s of it.
    const events = [ev(1, 'clone', 'succeeded', 1_000, 1_000), ev(1, 'steps', 'succeeded', 11_000, 10_000), ev(1, 'verify', 'succeeded', 11_000, 3_000), ev(1, 'diff', 'succeeded', 11_500, 500)];

    expect(repoDuration(events, { status: 'done', startedAt: 0, finishedAt: 11_500 }, 0)).toBe(11_500);
  });

  it('active time is the union of stage intervals across repos', () => {
    const byTask = new Map([
      [1, [ev(1, 'clone', 'succeeded', 100, 100), ev(1, 'steps', 'succeeded', 1_000, 500)]],
      [2, [ev(2, 'clone', 'succeeded', 150, 100), ev(2, 'steps', 'started', 5_000)]],
    ]);

    expect(activeTime(byTask, new Set(), 0)).toBe(150 + 500);
    expect(activeTime(byTask, new Set([2]), 5_400)).toBe(150 + 500 + 400);
  });

  it("a running repo's longest stage is the one it is in, counted to now, as its time is", () => {
    const now = T0 + 3_600_000;
    const running = task(1, 'r1', 'api', { status: 'running', outcome: null, stage: 'steps', finishedAt: null });
    const events = [ev(1, 'clone', 'succeeded', now - 62_000, 2_000), ev(1, 'steps', 'started', now - 60_000)];
    const live = run('r1', { status: 'running', finishedAt: null, heartbeatAt: now, updatedAt: now });

    const report = summarize(data(live, [running], { stageEvents: events, generatedAt: now }));

    expect(report.slowest).toEqual([expect.objectContaining({ durationMs: 62_000, slowestStage: { stage: 'steps', durationMs: 60_000 } })]);
  });
});
