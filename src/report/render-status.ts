/** The per-repository table `fleetmod status` prints: outcome, pull request and its last known state. */
import type { RunRecord, TaskRecord } from '../store/types.js';
import { runStateOf } from './run-state.js';
import { visibleTaskStatus } from './task-status.js';

export function prStateLabel(task: Pick<TaskRecord, 'prState' | 'prDraft'>): string {
  if (!task.prState) return '-';
  return task.prState === 'open' && task.prDraft ? 'draft' : task.prState;
}

/**
 * A repository name longer than this gets a line of its own above its row, so one long name (a deep GitLab group,
 * a long service name) does not push every other row's columns past the terminal's edge. Names are never cut: a
 * cut name could be two repositories.
 */
const REPO_COLUMN_MAX = 40;

/**
 * `runCrashed`: the run says running but its process is gone (run-liveness.ts); its running repos are pending.
 * `journalArgs`: the options naming the journal, for the command that continues an unfinished run.
 */
export function renderStatus(run: RunRecord, tasks: readonly TaskRecord[], now: number, runCrashed: boolean, journalArgs = ''): string {
  const withPr = tasks.filter((t) => t.prNumber !== null);
  // The link comes last: a URL is long, and in the last column it widens nothing. A run without pull requests
  // (branches only, a dry run) has no PR state, review, checks or time read to show: those columns are left out.
  const prColumns = withPr.length > 0;
  const rows = tasks.map((t) => [
    t.repo.display ?? t.repo.key,
    t.status === 'done' ? (t.outcome ?? '-') : visibleTaskStatus(t.status, runCrashed),
    ...(prColumns ? [prStateLabel(t), t.prReview ?? '-', t.prChecks ?? '-', t.prRefreshedAt ? ago(now - t.prRefreshedAt) : t.prNumber !== null ? 'at run time' : '-'] : []),
    t.prUrl ?? (t.branch && t.pushed ? (prColumns ? `branch ${t.branch}` : t.branch) : '-'),
  ]);
  const header = ['REPO', 'OUTCOME', ...(prColumns ? ['STATE', 'REVIEW', 'CHECKS', 'READ'] : []), prColumns ? 'PULL REQUEST' : 'BRANCH'];
  const fitting = (cell: string, i: number) => i > 0 || cell.length <= REPO_COLUMN_MAX;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i] as string).filter((cell) => fitting(cell, i)).map((c) => c.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  const rowLines = (cells: string[]) => (fitting(cells[0] as string, 0) ? [line(cells)] : [cells[0] as string, line(['', ...cells.slice(1)])]);
  const counts = new Map<string, number>();
  for (const t of withPr) counts.set(prStateLabel(t), (counts.get(prStateLabel(t)) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return [
    `fleetmod run ${run.id} — job ${run.jobName}: ${tasks.length} repos, ${withPr.length} pull requests${summary ? ` (${summary})` : ''}`,
    ...runStateLines(run, runCrashed, journalArgs),
    '',
    line(header),
    ...rows.flatMap(rowLines),
    '',
  ].join('\n');
}

/** The run's state above the table, for a run that is not finished (run-state.ts). */
function runStateLines(run: RunRecord, runCrashed: boolean, journalArgs: string): string[] {
  const { state, reason, resumeCommand, advice } = runStateOf(run, runCrashed, journalArgs);
  if (state === 'finished') return [];
  if (state === 'running') return ['running'];
  const said = state === 'crashed' ? 'crashed (its process is gone)' : `${state}${reason ? `: ${reason}` : ''}`;
  if (advice) return [`${said}; to go on: ${advice}`];
  return [`${said}; ${resumeCommand} continues it`];
}

function ago(ms: number): string {
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h ago`;
  return `${Math.round(ms / 86_400_000)}d ago`;
}
