/**
 * The report's "now" for time that is still running. A live run runs on until `generatedAt`; a crashed one stopped
 * at its last sign of life, so reading its report six hours later must not add six hours to it.
 */
import type { RunRecord } from '../store/types.js';

type RunTimes = Pick<RunRecord, 'heartbeatAt' | 'updatedAt' | 'createdAt'>;

/**
 * The last moment the run's process was known to be alive: its last heartbeat or journal write. `lastTaskWriteAt`
 * (store) counts too: stage and task writes do not touch the run row, and a run killed before its first heartbeat
 * has nothing else to show for the seconds it worked.
 */
export function lastSignOfLife(run: RunTimes, lastTaskWriteAt: number | null = null): number {
  return Math.max(run.createdAt, run.updatedAt, run.heartbeatAt ?? run.createdAt, lastTaskWriteAt ?? run.createdAt);
}

/** Where open stages and the run's duration end: now for a live run, the crash for a stalled one. */
export function openTimeEnd(run: RunTimes, stalled: boolean, generatedAt: number, lastTaskWriteAt: number | null = null): number {
  return stalled ? Math.min(generatedAt, lastSignOfLife(run, lastTaskWriteAt)) : generatedAt;
}

/**
 * The moment a report describes: now for a run that is running (or says so and crashed: its stalled state depends
 * on now), and its end for any other, so the same journal always gives the same report, byte for byte.
 */
export function reportTime(run: Pick<RunRecord, 'status' | 'finishedAt' | 'updatedAt'>, now: number): number {
  return run.status === 'running' ? now : (run.finishedAt ?? run.updatedAt);
}
