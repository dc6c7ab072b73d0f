/** The per-repository table `fleetmod status` prints: outcome, pull request and its last known state. */
import type { RunRecord, TaskRecord } from '../store/types.js';
import { visibleTaskStatus } from './task-status.js';

export function prStateLabel(task: Pick<TaskRecord, 'prState' | 'prDraft'>): string {
  if (!task.prState) return '-';
  return task.prState === 'open' && task.prDraft ? 'draft' : task.prState;
}

/** `runCrashed`: the run says running but its process is gone (run-liveness.ts); its running repos are pending. */
export function renderStatus(run: RunRecord, tasks: readonly TaskRecord[], now: number, runCrashed: boolean): string {
  const rows = tasks.map((t) => [
    t.repo.display ?? t.repo.key,
    t.status === 'done' ? (t.outcome ?? '-') : visibleTaskStatus(t.status, runCrashed),
    t.prUrl ?? (t.branch && t.pushed ? `branch ${t.branch}` : '-'),
    prStateLabel(t),
    t.prReview ?? '-',
    t.prChecks ?? '-',
    t.prRefreshedAt ? ago(now - t.prRefreshedAt) : t.prNumber !== null ? 'at run time' : '-',
  ]);
  const header = ['REPO', 'OUTCOME', 'PULL REQUEST', 'STATE', 'REVIEW', 'CHECKS', 'READ'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  const withPr = tasks.filter((t) => t.prNumber !== null);
  const counts = new Map<string, number>();
  for (const t of withPr) counts.set(prStateLabel(t), (counts.get(prStateLabel(t)) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return [
    `fleetmod run ${run.id} — job ${run.jobName}: ${tasks.length} repos, ${withPr.length} pull requests${summary ? ` (${summary})` : ''}`,
    '',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}

function ago(ms: number): string {
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h ago`;
  return `${Math.round(ms / 86_400_000)}d ago`;
}
