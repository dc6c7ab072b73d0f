/** Time arithmetic of the report: per-stage percentiles, a repo's duration, the run's active time, slowest repos. */
import { STAGES, type Stage } from '../domain/stage.js';
import type { StageEvent } from '../store/types.js';
import type { RepoEntry, SlowRepo, StageStat } from './model.js';

/** Nearest-rank percentile of an ascending list (p in 0..100); 0 for an empty list. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1] as number;
}

/** A stage event that ended (succeeded, failed or stopped) with a measured duration; skipped stages cost nothing. */
function measured(e: StageEvent): e is StageEvent & { durationMs: number } {
  return (e.state === 'succeeded' || e.state === 'failed' || e.state === 'stopped') && e.durationMs !== null;
}

/** p50/p95/max per stage over every attempt of every repo, in stage order. */
export function stageStats(events: readonly StageEvent[]): StageStat[] {
  const durations = new Map<Stage, number[]>();
  const failures = new Map<Stage, number>();
  const stops = new Map<Stage, number>();
  for (const e of events) {
    if (!measured(e)) continue;
    const list = durations.get(e.stage);
    if (list) list.push(e.durationMs);
    else durations.set(e.stage, [e.durationMs]);
    if (e.state === 'failed') failures.set(e.stage, (failures.get(e.stage) ?? 0) + 1);
    if (e.state === 'stopped') stops.set(e.stage, (stops.get(e.stage) ?? 0) + 1);
  }
  const stats: StageStat[] = [];
  for (const stage of STAGES) {
    const list = durations.get(stage);
    if (!list) continue;
    list.sort((a, b) => a - b);
    let total = 0;
    for (const d of list) total += d;
    stats.push({
      stage,
      count: list.length,
      failed: failures.get(stage) ?? 0,
      stopped: stops.get(stage) ?? 0,
      p50Ms: percentile(list, 50),
      p95Ms: percentile(list, 95),
      maxMs: list[list.length - 1] as number,
      totalMs: total,
    });
  }
  return stats;
}

/**
 * Time a repo spent in stages, plus the stage still open when it is running. Counting stage time (instead of finish
 * − start) keeps a repo interrupted at night and resumed in the morning from looking nine hours slow. It is the
 * union of the stages' intervals, not their sum: best of N journals a verify stage inside its steps stage (the
 * candidates verify within it), and that time must count once.
 */
export function repoDuration(
  events: readonly StageEvent[],
  task: { status: string; startedAt: number | null; finishedAt: number | null },
  now: number,
): number | null {
  if (events.length === 0) {
    return task.startedAt !== null && task.finishedAt !== null ? Math.max(0, task.finishedAt - task.startedAt) : null;
  }
  return unionMs(stageIntervals(events, task.status === 'running', now));
}

/** When the stage that has started but not ended began, or null. */
function openStageStart(events: readonly StageEvent[]): number | null {
  let open: number | null = null;
  for (const e of events) open = e.state === 'started' ? e.at : null;
  return open;
}

/** [start, end] of each ended stage, and of the open one up to `now` when the repo is running. */
function stageIntervals(events: readonly StageEvent[], running: boolean, now: number): [number, number][] {
  const intervals: [number, number][] = [];
  for (const e of events) if (measured(e) && e.durationMs > 0) intervals.push([e.at - e.durationMs, e.at]);
  const open = running ? openStageStart(events) : null;
  if (open !== null && now > open) intervals.push([open, now]);
  return intervals;
}

/** Time during which at least one stage of any repo was running: the union of all stage intervals. */
export function activeTime(eventsByTask: ReadonlyMap<number, readonly StageEvent[]>, running: ReadonlySet<number>, now: number): number {
  const intervals: [number, number][] = [];
  for (const [taskId, events] of eventsByTask) intervals.push(...stageIntervals(events, running.has(taskId), now));
  return unionMs(intervals);
}

/** Total length of a set of intervals, overlaps counted once. */
function unionMs(intervals: [number, number][]): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const [s, e] of intervals) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) end = e;
  }
  if (end > start && Number.isFinite(start)) total += end - start;
  return total;
}

/**
 * The slowest repos, slowest first (ties in manifest order), each with its slowest stage. A stage still open (the
 * repo is running, or was when its run crashed) counts up to `now`, as it does in the repo's time: a repo an hour
 * into its steps is not "longest stage: clone 2s".
 */
export function slowestRepos(repos: readonly RepoEntry[], now: number, limit = 10): SlowRepo[] {
  return repos
    .filter((r): r is RepoEntry & { durationMs: number } => r.durationMs !== null && r.durationMs > 0)
    .sort((a, b) => b.durationMs - a.durationMs || a.position - b.position)
    .slice(0, limit)
    .map((repo) => {
      let slowest: SlowRepo['slowestStage'] = null;
      for (const s of repo.stages) {
        // Only a task still running has a "started" event in the report's data (run-data.ts), and only as its last.
        const durationMs = s.state === 'started' ? (s === repo.stages.at(-1) ? Math.max(0, now - s.at) : null) : s.durationMs;
        if (durationMs !== null && s.state !== 'skipped' && (!slowest || durationMs > slowest.durationMs)) {
          slowest = { stage: s.stage, durationMs };
        }
      }
      return { repo, durationMs: repo.durationMs, slowestStage: slowest };
    });
}
