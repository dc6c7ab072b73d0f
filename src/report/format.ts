/** Wording and number formats shared by the report's renderers (locale- and time-zone-independent). */
import { fixedDeadlineAdvice, fixedDeadlineOfReason } from '../orchestrator/fixed-deadline.js';
import { formatDuration } from '../util/units.js';
import { stripControl } from './escape.js';
import { CATEGORY_LABELS, type Category, type Diffstat, type FailureGroup, type Headline, type PullRequestInfo, type RepoEntry, type Report, type ReuseSummary } from './model.js';

export { formatDuration };

/** "2024-06-01 02:00 UTC": the same on every machine, whatever its time zone. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "12:57:54": time of day (UTC) for events within one run. */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatCost(usd: number): string {
  return `$${usd < 10 ? usd.toFixed(2) : usd.toFixed(0)}`;
}

export function formatRate(perMinute: number): string {
  if (perMinute <= 0) return '-';
  if (perMinute < 1) return `${(perMinute * 60).toFixed(1)} repos/h`;
  return `${perMinute < 10 ? perMinute.toFixed(1) : Math.round(perMinute)} repos/min`;
}

export function formatDiffstat(d: Diffstat | null): string {
  if (!d || (d.files === 0 && d.insertions === 0 && d.deletions === 0)) return '';
  return `${d.files} file${d.files === 1 ? '' : 's'} +${d.insertions} -${d.deletions}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The outcome as people read it: "failed (transient)", "running (clone)", "pending". */
export function outcomeText(repo: Pick<RepoEntry, 'outcome' | 'status' | 'errorClass' | 'stage'>): string {
  if (repo.outcome === null) return repo.status === 'running' ? `running${repo.stage ? ` (${repo.stage})` : ''}` : 'pending';
  if (repo.outcome === 'failed' && repo.errorClass) return `failed (${repo.errorClass})`;
  return repo.outcome;
}

export function prLabel(pr: PullRequestInfo): string {
  return pr.number !== null ? `#${pr.number}` : 'PR';
}

export function checksText(pr: PullRequestInfo): string {
  if (pr.refreshedAt === null && pr.checks === null) return 'not read';
  return pr.checks ?? 'none';
}

export function reviewText(pr: PullRequestInfo): string {
  if (pr.refreshedAt === null && pr.review === null) return 'not read';
  return pr.review ?? 'none';
}

/** Why a run is paused or stopped, unless the journal's reason only repeats its state ("interrupted"). */
export function statusReasonOf(run: { status: string; statusReason: string | null }): string | null {
  return run.statusReason && run.statusReason !== run.status ? run.statusReason : null;
}

/** One line on what the run is: state, size, time, throughput. */
export function statusLine(report: Report): string {
  const { run, headline } = report;
  let state: string = run.status;
  if (run.stalled) state = 'running? (the process running it seems to have died)';
  else if (statusReasonOf(run)) state = `${run.status} (${statusReasonOf(run)})`;
  const busy = run.activeMs > 0 && run.activeMs < run.durationMs * 0.9 ? ` (busy ${formatDuration(run.activeMs)})` : '';
  const rate = report.throughputPerMinute > 0 ? `, ${formatRate(report.throughputPerMinute)}` : '';
  return `${state}; ${plural(headline.total, 'repo')} in ${formatDuration(run.durationMs)}${busy}${rate}`;
}

export const HOST_WARNING = 'sandbox provider "host": steps ran WITHOUT ISOLATION, directly on this machine';

/** Headline rows in the order every format shows them: category, label, count, detail. */
export function headlineRows(h: Headline): { category: Category; label: string; count: number; detail: string | undefined }[] {
  const failedDetail = `${h.failedPermanent} permanent, ${h.failedTransient} transient${h.editedByHuman ? `, ${h.editedByHuman} edited by a human` : ''}`;
  const rows: [Category, number, string | undefined][] = [
    ['changed-pr', h.changedWithPr, h.changedWithPr ? `${h.prOpened} opened, ${h.prUpdated} updated` : undefined],
    ['changed', h.changedWithoutPr, h.changedWithoutPr ? `${h.pushed} pushed, ${h.dryRun} dry run` : undefined],
    ['unchanged', h.unchanged, h.prClosed ? `${plural(h.prClosed, 'stale PR')} closed` : undefined],
    ['verify-failed', h.verifyFailed, undefined],
    ['failed', h.failed, h.failed ? failedDetail : undefined],
    ['skipped', h.skipped, undefined],
    ['pending', h.pending, h.running ? `${h.running} running now` : undefined],
  ];
  return rows.map(([category, count, detail]) => ({ category, label: CATEGORY_LABELS[category], count, detail }));
}

/** How to continue a run that has repos left and nobody working on it, or null. */
export function resumeHint(report: Report): string | null {
  const { run, headline } = report;
  if (headline.pending === 0 || (run.status === 'running' && !run.stalled)) return null;
  const deadline = run.status === 'paused' ? fixedDeadlineOfReason(run.statusReason) : undefined;
  if (deadline) return `${plural(headline.pending, 'repo')} not finished; to go on: ${fixedDeadlineAdvice(deadline)}`;
  // `resume RUN` continues this very run — a dry run stays dry, an edited manifest does not start another run.
  return `${plural(headline.pending, 'repo')} not finished; continue with: fleetmod resume ${run.id}${report.journalArgs}`;
}

/** A word (a repo name, a path) as one shell word, quoted only when it needs to be. */
export function shellWord(text: string): string {
  const clean = stripControl(text);
  return /^[\w@%+=:,./-]+$/.test(clean) ? clean : `'${clean.replace(/'/g, `'\\''`)}'`;
}

/** The excerpt worth showing under a failure: none when it only repeats the error line already shown. */
export function extraExcerpt(excerpt: string | null, shown: string): string | null {
  if (!excerpt) return null;
  return excerpt.trim() === shown.trim() ? null : excerpt;
}

/**
 * Whose output a failure group's excerpt is, when the group has several repos: the first one's (failures.ts), which
 * the others' may not resemble beyond the signature; null for a group of one.
 */
export function excerptOwner(group: Pick<FailureGroup, 'repos'>): string | null {
  return group.repos.length > 1 ? (group.repos[0] as RepoEntry).display : null;
}

/** Result reuse in words: how many repos took an earlier run's result, from which runs, and how to opt out. */
export function reuseText(reuse: ReuseSummary): string {
  const runs = reuse.fromRuns.length === 1 ? `run ${reuse.fromRuns[0]}` : `runs ${reuse.fromRuns.slice(0, 3).join(', ')}${reuse.fromRuns.length > 3 ? ', …' : ''}`;
  return `${plural(reuse.repos, 'repo')} reused the result of ${runs} (same transformation, same base commit): no sandbox ran for them; --no-reuse runs them again`;
}

/** Sandbox usage in words: "0.17 sandbox-hours, estimated cost $0.03". */
export function sandboxUsageText(u: { hours: number; costUsd: number }): string {
  return `${u.hours < 10 ? u.hours.toFixed(2) : u.hours.toFixed(1)} sandbox-hours, estimated cost ${formatCost(u.costUsd)}`;
}
