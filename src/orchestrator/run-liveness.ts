/**
 * Whether the process a run's journal names as its owner is gone. A run marked running whose heartbeat has gone
 * stale crashed somewhere; on this machine a dead owner says so at once, without waiting for the heartbeat to age.
 */
import os from 'node:os';
import type { RunRecord } from '../store/types.js';
import { processAlive } from '../util/process-alive.js';

export function ownerProcessGone(run: Pick<RunRecord, 'status' | 'ownerPid' | 'ownerHost'>, host = os.hostname()): boolean {
  return run.status === 'running' && run.ownerPid !== null && run.ownerHost === host && !processAlive(run.ownerPid);
}
