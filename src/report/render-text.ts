/** The plain-text report printed at the end of `run` and by `report` (terminal-safe: control sequences stripped). */
import { candidateTextTable, candidateTotalsText, selectionText } from './candidates.js';
import { stripControl } from './escape.js';
import { withDetail } from './failures.js';
import {
  checksText,
  excerptOwner,
  extraExcerpt,
  formatDiffstat,
  formatDuration,
  formatTime,
  headlineRows,
  HOST_WARNING,
  plural,
  prLabel,
  resumeHint,
  reuseText,
  reviewText,
  sandboxUsageText,
  statusLine,
} from './format.js';
import type { RepoEntry, Report } from './model.js';

export interface TextOptions {
  /** How many repos to list per section before "… and N more". @default 20 */
  listLimit?: number;
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const limit = options.listLimit ?? 20;
  const { run } = report;
  const out: string[] = [];
  const name = (r: RepoEntry) => stripControl(r.display);
  // Whether some list was cut: then the last lines say how to get the HTML report of this very run, which has all.
  let cut = false;
  const andMore = (n: number, what = '') => {
    cut = true;
    return `… and ${n} more${what}`;
  };
  const more = (shown: number, total: number, indent: string) => {
    if (total > shown) out.push(`${indent}${andMore(total - shown)}`);
  };

  out.push(`fleetmod run ${run.id} — job ${run.jobName}${run.dryRun ? ' (dry run)' : ''}`);
  if (!run.isolated) out.push('', `!!! WARNING: ${HOST_WARNING} !!!`, '');
  out.push(`${statusLine(report)}; sandbox ${run.provider}${run.isolated ? '' : ' (NO ISOLATION)'}`);
  if (report.sandboxUsage) {
    out.push(sandboxUsageText(report.sandboxUsage));
  }
  if (report.candidates) out.push(`Best of N: ${candidateTotalsText(report.candidates)}`);
  if (report.reuse) out.push(`Reused: ${reuseText(report.reuse)}`);
  out.push('');
  for (const { label, count, detail } of headlineRows(report.headline)) {
    out.push(`  ${label.padEnd(28)} ${String(count).padStart(5)}${detail ? `   (${detail})` : ''}`);
  }

  const unpublished = report.repos.filter((r) => r.category === 'changed');
  if (unpublished.length > 0) {
    out.push('', 'Changed without a PR:');
    for (const r of unpublished.slice(0, limit)) {
      const where = r.outcome === 'dry-run' ? `branch ${r.branch ?? '-'} (dry run, not pushed)` : `branch ${r.branch ?? '-'}`;
      out.push(`  ${name(r)}  ${where}  ${formatDiffstat(r.diffstat)}`.trimEnd());
    }
    more(Math.min(limit, unpublished.length), unpublished.length, '  ');
  }

  if (report.pullRequests.length > 0) {
    out.push('', `Pull requests (${report.pullRequests.length}):`);
    for (const r of report.pullRequests.slice(0, limit)) {
      const pr = r.pr!;
      const cells = [name(r), `${prLabel(pr)} ${pr.state}`, `checks ${checksText(pr)}, review ${reviewText(pr)}`, formatDiffstat(r.diffstat), stripControl(pr.url)];
      out.push(`  ${cells.filter(Boolean).join('  ')}`);
    }
    more(Math.min(limit, report.pullRequests.length), report.pullRequests.length, '  ');
    if (report.pullRequests.some((r) => r.pr!.refreshedAt === null)) {
      out.push('  (checks and reviews are read by fleetmod status --refresh)');
    }
  }

  if (report.failureGroups.length > 0) {
    out.push('', `Failures (${plural(report.failureGroups.length, 'group')}, largest first):`);
    for (const g of report.failureGroups.slice(0, limit)) {
      const classes = g.outcome === 'failed' ? `, ${g.permanent} permanent, ${g.transient} transient` : '';
      out.push(`  ${g.repos.length} × ${stripControl(g.example)}   [${g.outcome}${classes}]`);
      const shown = g.repos.slice(0, Math.min(limit, 10));
      for (const r of shown) out.push(`      ${name(r)}${r.logPath ? `  log: ${r.logPath}` : ''}`);
      more(shown.length, g.repos.length, '      ');
      const excerpt = extraExcerpt(g.excerpt, g.example);
      const owner = excerptOwner(g);
      if (excerpt && owner) out.push(`      output of ${stripControl(owner)}:`);
      if (excerpt) for (const line of stripControl(excerpt).split('\n')) out.push(`      | ${line}`);
    }
    if (report.failureGroups.length > limit) out.push(`  ${andMore(report.failureGroups.length - limit, ' groups')}`);
  }

  if (renderCandidates(report, out, limit)) cut = true;

  if (report.skipGroups.length > 0) {
    out.push('', 'Skipped:');
    for (const g of report.skipGroups.slice(0, limit)) {
      const names = g.repos.slice(0, limit).map((r, i) => withDetail(name(r), g.details[i], stripControl)).join(', ');
      out.push(`  ${g.repos.length} × ${stripControl(g.reason)}: ${names}${g.repos.length > limit ? `, ${andMore(g.repos.length - limit)}` : ''}`);
    }
    if (report.skipGroups.length > limit) out.push(`  ${andMore(report.skipGroups.length - limit, ' reasons')}`);
  }

  if (report.stageStats.length > 0) {
    out.push('', 'Stage durations:           runs      p50      p95      max');
    for (const s of report.stageStats) {
      const cells = [s.p50Ms, s.p95Ms, s.maxMs].map((ms) => formatDuration(ms).padStart(8)).join(' ');
      const ended = [s.failed ? `${s.failed} failed` : '', s.stopped ? `${s.stopped} stopped` : ''].filter(Boolean).join(', ');
      out.push(`  ${s.stage.padEnd(22)} ${String(s.count).padStart(6)} ${cells}${ended ? `   (${ended})` : ''}`);
    }
  }
  if (report.slowest.length > 0) {
    out.push('', 'Slowest repos:');
    for (const s of report.slowest.slice(0, Math.min(limit, 5))) {
      const stage = s.slowestStage ? `  (longest stage: ${s.slowestStage.stage} ${formatDuration(s.slowestStage.durationMs)})` : '';
      out.push(`  ${formatDuration(s.durationMs).padStart(7)}  ${name(s.repo)}${stage}`);
    }
  }

  const c = report.comparison;
  if (c) {
    out.push('', `Compared with the previous run ${c.previousRunId} (${formatTime(c.previousCreatedAt)}, ${c.previousStatus}):`);
    const list = (label: string, items: { display: string }[]) => {
      if (items.length === 0) return;
      const names = items.slice(0, limit).map((i) => stripControl(i.display)).join(', ');
      out.push(`  ${label} (${items.length}): ${names}${items.length > limit ? `, ${andMore(items.length - limit)}` : ''}`);
    };
    list('newly failing', c.newlyFailing);
    list('newly fixed', c.newlyFixed);
    if (c.stillFailing > 0) out.push(`  still failing: ${c.stillFailing}`);
    list('PRs merged since', c.prsMerged);
    list('PRs closed since', c.prsClosed);
    if (c.added || c.removed) out.push(`  repos added: ${c.added}, removed: ${c.removed}`);
    if (c.newlyFailing.length + c.newlyFixed.length + c.stillFailing + c.prsMerged.length + c.prsClosed.length + c.added + c.removed === 0) {
      out.push('  no change in failures or pull requests');
    }
  }

  const hint = resumeHint(report);
  if (hint) out.push('', hint);
  // `--format html` alone would print the page to the terminal, and without the run id it is the latest run's.
  if (cut) out.push('', `Lists are cut; the HTML report has everything: fleetmod report ${run.id} --format html --out report.html${report.journalArgs}`);
  out.push('', `Details of one repo: fleetmod show ${run.id} REPO [--diff] [--log]${report.journalArgs}`);
  return `${out.join('\n')}\n`;
}

/** Per repo that ran candidates, a small table: the chosen one marked ✔, the reason above it. True when cut. */
function renderCandidates(report: Report, out: string[], limit: number): boolean {
  const repos = report.repos.filter((r) => r.candidates.length > 0);
  if (repos.length === 0) return false;
  let cut = false;
  out.push('', `Best of N (${plural(repos.length, 'repo')}):`);
  for (const r of repos.slice(0, limit)) {
    out.push(`  ${stripControl(r.display)} — ${stripControl(selectionText(r))}`);
    out.push(...candidateTextTable(r.candidates.slice(0, limit), '    '));
    if (r.candidates.length > limit) {
      out.push(`      … and ${r.candidates.length - limit} more candidates`);
      cut = true;
    }
  }
  if (repos.length > limit) {
    out.push(`  … and ${repos.length - limit} more repos`);
    cut = true;
  }
  return cut;
}
