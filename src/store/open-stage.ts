/**
 * The stage a task is in right now. Only a stage's end is a stage_events row; its start is kept on the task
 * (tasks.stage, tasks.stage_started_at — migrations/010_stage_start_on_task.sql), and readers get it back as the
 * "started" event it used to be: last among the task's events, and only while no end of that stage has come since.
 * Journals from before 010 have real "started" rows and no stage_started_at, so they read exactly as they did.
 */
import type { Stage } from '../domain/stage.js';
import type { StageEvent, StageState } from './types.js';

/** Holds for a row `t` of tasks whose current stage has started and not ended. */
export const OPEN_STAGE_SQL = `t.stage_started_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stage_events e
  WHERE e.task_id = t.id AND e.stage = t.stage AND e.state != 'started' AND e.at >= t.stage_started_at)`;

/** task_id, stage, state, at, duration_ms, detail — a stage_events row read raw. */
export type StageEventRow = [number, Stage, StageState, number, number | null, string | null];
/** id, stage, stage_started_at — a task row whose stage is open, read raw. */
export type OpenStageRow = [number, Stage, number];

export function toStageEvent([taskId, stage, state, at, durationMs, detail]: StageEventRow): StageEvent {
  return { taskId, stage, state, at, durationMs, detail };
}

export function openStageEvent([taskId, stage, at]: OpenStageRow): StageEvent {
  return { taskId, stage, state: 'started', at, durationMs: null, detail: null };
}

/**
 * Puts each open stage after the events of its task. Both lists are ordered by task; a task may have an open stage
 * and no events yet (its first stage).
 */
export function withOpenStages(events: readonly StageEvent[], open: readonly StageEvent[]): StageEvent[] {
  if (open.length === 0) return events as StageEvent[];
  const merged: StageEvent[] = [];
  let next = 0;
  for (const event of events) {
    while (next < open.length && (open[next] as StageEvent).taskId < event.taskId) merged.push(open[next++] as StageEvent);
    merged.push(event);
  }
  while (next < open.length) merged.push(open[next++] as StageEvent);
  return merged;
}
