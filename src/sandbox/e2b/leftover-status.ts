/**
 * Whether a running fleetmod sandbox is in use or left over, judged from the journal: its run is `live` while a
 * fleetmod process is working on it (status running, fresh heartbeat, owner process alive when it is on this
 * host), a `leftover` once that run stopped or its process died, and `unknown` when the run is not in this journal
 * (another machine's, another state folder's). Pure, so the CLI's table and the decisions it leads to are tested alone.
 */
import type { RunRecord } from '../../store/types.js';
import { formatDuration } from '../../util/units.js';
import type { FleetmodSandbox } from './leftovers.js';
import { heartbeatStale, ownerProcessGone } from '../../orchestrator/run-liveness.js';

export type SandboxStatus = 'live' | 'leftover' | 'unknown';

export interface ClassifiedSandbox extends FleetmodSandbox {
  status: SandboxStatus;
  why: string;
}

export interface LivenessContext {
  getRun(id: string): RunRecord | undefined;
  now: number;
  host: string;
  processAlive(pid: number): boolean;
  staleAfterMs: number;
}

export function classifySandbox(sandbox: FleetmodSandbox, ctx: LivenessContext): ClassifiedSandbox {
  const run = sandbox.run ? ctx.getRun(sandbox.run) : undefined;
  if (!run) return { ...sandbox, status: 'unknown', why: 'run not in this journal' };
  if (run.status !== 'running') return { ...sandbox, status: 'leftover', why: `run ${run.status}` };
  if (heartbeatStale(run, ctx.now, ctx.staleAfterMs)) return { ...sandbox, status: 'leftover', why: 'run stopped sending heartbeats' };
  if (ownerProcessGone(run, ctx.host, ctx.processAlive)) {
    return { ...sandbox, status: 'leftover', why: `process ${run.ownerPid} is gone` };
  }
  return { ...sandbox, status: 'live', why: `process ${run.ownerPid} on ${run.ownerHost} is running it` };
}

/** Which sandboxes `--kill` stops: leftovers; unknown runs only when the user named the run; everything with force. */
export function killTargets(sandboxes: readonly ClassifiedSandbox[], options: { runNamed: boolean; force: boolean }): ClassifiedSandbox[] {
  return sandboxes.filter((s) => options.force || s.status === 'leftover' || (s.status === 'unknown' && options.runNamed));
}

export function renderSandboxTable(sandboxes: readonly ClassifiedSandbox[], now: number): string[] {
  const rows = sandboxes.map((s) => [s.id, s.run || '-', s.status, formatDuration(now - s.startedAt.getTime()), s.repo || '-', s.why]);
  const header = ['SANDBOX', 'RUN', 'STATUS', 'AGE', 'REPO', 'WHY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}
