/**
 * Best of N in the report: each repo's journaled candidates as report entries (with their E2B cost at the job's
 * prices), the run's totals, and the words and table cells every format shares. Pure.
 */
import { pricePerSandboxSecond, type E2bPricing } from '../sandbox/e2b/cost.js';
import type { CandidateRecord, CandidateStatus, RunCandidateRecord } from '../store/types.js';
import { stripControl } from './escape.js';
import { formatDiffstat, formatDuration, plural } from './format.js';
import type { CandidateEntry, CandidateTotals, RepoEntry } from './model.js';

/** How much of each candidate's diff the report reads: the HTML shows at most 500 lines of it anyway. */
export const CANDIDATE_DIFF_SOURCE_CHARS = 50_000;

export const CANDIDATE_STATUSES = ['passed', 'verify-failed', 'score-failed', 'step-failed', 'error', 'cancelled'] as const satisfies readonly CandidateStatus[];

/** What a candidate's status is called, in the report and in the candidates table of PR bodies. */
export const CANDIDATE_STATUS_TEXT: Record<CandidateStatus, string> = {
  passed: 'passed',
  'step-failed': 'steps failed',
  'verify-failed': 'verify failed',
  'score-failed': 'no score',
  error: 'error',
  cancelled: 'not needed',
};

/** The E2B prices the run was made with (from its stored job), or null when it did not use E2B. */
export function e2bPricingOf(run: { provider: string; jobJson: string }): E2bPricing | null {
  if (run.provider !== 'e2b') return null;
  try {
    const e2b = (JSON.parse(run.jobJson) as { sandbox?: { e2b?: Partial<Record<keyof E2bPricing, unknown>> } }).sandbox?.e2b;
    const { vcpu, memoryMb, priceVcpuSecond, priceGibSecond } = e2b ?? {};
    if (typeof vcpu !== 'number' || typeof memoryMb !== 'number' || typeof priceVcpuSecond !== 'number' || typeof priceGibSecond !== 'number') return null;
    return { vcpu, memoryMb, priceVcpuSecond, priceGibSecond };
  } catch {
    return null;
  }
}

export function candidateEntries(records: readonly (CandidateRecord | RunCandidateRecord)[] | undefined, pricing: E2bPricing | null): CandidateEntry[] {
  if (!records || records.length === 0) return [];
  const perSecond = pricing ? pricePerSandboxSecond(pricing) : null;
  return records.map((c) => ({
    position: c.position,
    name: c.name,
    status: c.status,
    chosen: c.chosen,
    score: c.score,
    diffstat: { files: c.filesChanged, insertions: c.insertions, deletions: c.deletions },
    diff: c.diff,
    diffTruncated: 'diffTruncated' in c ? c.diffTruncated : false,
    sandboxSeconds: c.sandboxSeconds,
    costUsd: perSecond === null ? null : c.sandboxSeconds * perSecond,
    durationMs: c.durationMs,
    detail: c.detail,
  }));
}

export function candidateTotals(repos: readonly RepoEntry[]): CandidateTotals | null {
  const byStatus = Object.fromEntries(CANDIDATE_STATUSES.map((s) => [s, 0])) as Record<CandidateStatus, number>;
  const totals: CandidateTotals = { repos: 0, total: 0, byStatus, chosen: 0, durationMs: 0, sandboxSeconds: 0, costUsd: null };
  for (const repo of repos) {
    if (repo.candidates.length === 0) continue;
    totals.repos += 1;
    for (const c of repo.candidates) {
      totals.total += 1;
      byStatus[c.status] += 1;
      if (c.chosen) totals.chosen += 1;
      totals.durationMs += c.durationMs;
      totals.sandboxSeconds += c.sandboxSeconds;
      if (c.costUsd !== null) totals.costUsd = (totals.costUsd ?? 0) + c.costUsd;
    }
  }
  return totals.repos > 0 ? totals : null;
}

/**
 * "9 candidates in 3 repos (5 passed, 3 verify failed, 1 not needed), 12m of sandbox time ≈ $0.0360"; providers
 * that bill no sandbox time (local, host) get the candidates' running time instead.
 */
export function candidateTotalsText(t: CandidateTotals): string {
  const statuses = CANDIDATE_STATUSES.filter((s) => t.byStatus[s] > 0).map((s) => `${t.byStatus[s]} ${CANDIDATE_STATUS_TEXT[s]}`);
  const cost = t.costUsd !== null ? ` ≈ ${candidateCost(t.costUsd)}` : '';
  const time = t.sandboxSeconds > 0 ? `${formatDuration(t.sandboxSeconds * 1000)} of sandbox time${cost}` : `${formatDuration(t.durationMs)} of candidate time`;
  return `${plural(t.total, 'candidate')} in ${plural(t.repos, 'repo')} (${statuses.join(', ')}), ${time}`;
}

/** Why the chosen candidate won ("careful: the smallest diff (4 changed lines); 2 of 3 passed"), or why none did. */
export function selectionText(repo: Pick<RepoEntry, 'candidates'>): string {
  const chosen = repo.candidates.find((c) => c.chosen);
  if (chosen) return chosen.detail ?? `${chosen.name} chosen`;
  const passed = repo.candidates.filter((c) => c.status === 'passed').length;
  return `no candidate chosen (${passed} of ${repo.candidates.length} passed)`;
}

export type CandidateColumn = 'candidate' | 'result' | 'score' | 'diff' | 'sandbox' | 'cost' | 'time';

/** The table's columns; `sandbox` (billed time) and `cost` only when the provider bills them (E2B). */
export function candidateColumns(candidates: readonly CandidateEntry[]): CandidateColumn[] {
  const billed = candidates.some((c) => c.sandboxSeconds > 0);
  const priced = candidates.some((c) => c.costUsd !== null);
  return (['candidate', 'result', 'score', 'diff', 'sandbox', 'cost', 'time'] as const).filter(
    (c) => (c !== 'sandbox' || billed) && (c !== 'cost' || priced),
  );
}

/** Columns whose numbers line up on the right. */
export const NUMERIC_CANDIDATE_COLUMNS: ReadonlySet<CandidateColumn> = new Set(['score', 'sandbox', 'cost', 'time']);

/** The cells of one candidate's row, as plain text; `chosen` is marked separately by each format. */
export function candidateCells(c: CandidateEntry): Record<CandidateColumn, string> {
  const noDiff = c.status === 'step-failed' || c.status === 'cancelled' || c.status === 'error';
  return {
    candidate: c.name,
    result: CANDIDATE_STATUS_TEXT[c.status],
    score: c.score === null ? '–' : String(c.score),
    diff: noDiff ? '–' : formatDiffstat(c.diffstat) || 'empty',
    sandbox: formatDuration(c.sandboxSeconds * 1000),
    cost: c.costUsd === null ? '–' : candidateCost(c.costUsd),
    time: formatDuration(c.durationMs),
  };
}

/** The detail worth a column: why a candidate that did not pass failed (the chosen one's reason is said above). */
export function candidateNote(c: CandidateEntry, max = 100): string {
  if (c.chosen || !c.detail) return '';
  const line = (c.detail.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A candidate costs fractions of a cent: more digits than the run's total. */
export function candidateCost(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** The candidates as an aligned plain-text table (terminal-safe), the chosen one marked ✔ (report text, `show`). */
export function candidateTextTable(candidates: readonly CandidateEntry[], indent: string): string[] {
  const columns = candidateColumns(candidates);
  const rows = candidates.map((c) => {
    const cells = candidateCells(c);
    return { mark: c.chosen ? '✔' : ' ', cells: columns.map((col) => stripControl(cells[col])), note: stripControl(candidateNote(c)) };
  });
  const widths = columns.map((col, i) => Math.max(col.length, ...rows.map((row) => (row.cells[i] as string).length)));
  const line = (mark: string, cells: readonly string[], note: string) => {
    const padded = cells.map((cell, i) => (NUMERIC_CANDIDATE_COLUMNS.has(columns[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)));
    return `${indent}${mark} ${padded.join('  ')}${note ? `  ${note}` : ''}`.trimEnd();
  };
  return [line(' ', columns, ''), ...rows.map((row) => line(row.mark, row.cells, row.note))];
}
