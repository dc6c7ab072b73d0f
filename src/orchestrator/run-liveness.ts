/**
 * Whether a run marked running still has a live process working on it. Its owner writes a heartbeat every few
 * seconds; one that has gone stale means the process died (or hangs) somewhere. On this machine a dead owner says
 * so at once, without waiting for the heartbeat to age.
 */
import os from 'node:os';
import type { RunRecord } from '../store/types.js';
import { processAlive } from '../util/process-alive.js';

/** A heartbeat older than this means the run's process is gone. */
export const STALE_HEARTBEAT_MS = 30_000;

type Liveness = Pick<RunRecord, 'status' | 'heartbeatAt' | 'ownerPid' | 'ownerHost'>;

export function heartbeatStale(run: Pick<RunRecord, 'heartbeatAt'>, now: number, staleAfterMs = STALE_HEARTBEAT_MS): boolean {
  return run.heartbeatAt === null || now - run.heartbeatAt > staleAfterMs;
}

export function ownerProcessGone(run: Liveness, host = os.hostname(), alive: (pid: number) => boolean = processAlive): boolean {
  return run.status === 'running' && run.ownerPid !== null && run.ownerHost === host && !alive(run.ownerPid);
}

/** Marked running, but nobody is running it: its heartbeat is stale or its owner on this machine is gone. */
export function runCrashed(run: Liveness, now: number): boolean {
  return run.status === 'running' && (heartbeatStale(run, now) || ownerProcessGone(run));
}
