/**
 * GitHub-flavoured Markdown for an issue or a PR comment: tables, collapsible details, fenced excerpts. Lists are
 * capped, and the whole document has one character budget, so a 5,000-repo report stays under GitHub's
 * 65,536-character comment limit; what did not fit is in the HTML report, which the last line points to.
 */
import { candidateCells, candidateColumns, candidateNote, candidateTotalsText, NUMERIC_CANDIDATE_COLUMNS, selectionText } from './candidates.js';
import { markdownCode, markdownFence, markdownText, safeUrl } from './escape.js';
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
  reviewText,
  reuseText,
  sandboxUsageText,
  statusLine,
} from './format.js';
import { markdownDocument, type MarkdownDocument } from './markdown-budget.js';
import type { Report } from './model.js';

export interface MarkdownOptions {
  /** Rows per table and repos per list before "… and N more". @default 50 */
  listLimit?: number;
}

/** Characters of failure groups before the rest are left to the HTML report, so other sections get room too. */
const FAILURES_BUDGET = 30_000;
/** The same for the best-of-N tables. */
const CANDIDATES_BUDGET = 12_000;

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const limit = options.listLimit ?? 50;
  const { run } = report;
  const out = markdownDocument();
  const name = (r: { display: string }) => markdownText(r.display);
  const more = (total: number, shown: number) => {
    if (total > shown) out.push('', `_… and ${total - shown} more (see the HTML or JSON report)._`);
  };
  /** Rows of a table under its heading, while they fit; then how many were left out. */
  const table = (heading: string[], rows: string[], total: number) => {
    if (!out.fits(...heading)) return;
    let shown = 0;
    for (const row of rows) {
      if (!out.fits(row)) break;
      shown += 1;
    }
    more(total, shown);
  };

  out.push(`## fleetmod report: ${markdownText(run.jobName)}${run.dryRun ? ' (dry run)' : ''}`, '');
  if (!run.isolated) out.push('> [!WARNING]', `> ${markdownText(HOST_WARNING)}.`, '');
  out.push(`Run ${markdownCode(run.id)}, started ${formatTime(run.createdAt)}: ${markdownText(statusLine(report))}; sandbox ${markdownCode(run.provider)}.`);
  if (report.sandboxUsage) {
    out.push('', `${sandboxUsageText(report.sandboxUsage)}.`);
  }
  if (report.candidates) out.push('', `Best of N: ${markdownText(candidateTotalsText(report.candidates))}.`);
  if (report.reuse) out.push('', `Reused: ${markdownText(reuseText(report.reuse))}.`);
  out.push('', '| Result | Repos | |', '|---|---:|---|');
  for (const { label, count, detail } of headlineRows(report.headline)) out.push(`| ${label} | ${count} | ${detail ?? ''} |`);
  out.push(`| **total** | **${report.headline.total}** | |`);

  if (report.failureGroups.length > 0 && out.fits('', `### Failures (${plural(report.failureGroups.length, 'group')})`)) {
    let shownGroups = 0;
    let size = 0;
    for (const g of report.failureGroups.slice(0, limit)) {
      // Many distinct failures must not crowd out the other sections; the rest is in the HTML report.
      if (size > FAILURES_BUDGET) break;
      const classes = g.outcome === 'failed' ? `, ${g.permanent} permanent, ${g.transient} transient` : '';
      const lines = ['', `**${g.repos.length} × ${markdownText(g.example)}** (${g.outcome}${classes})`, ''];
      lines.push(`<details><summary>${g.repos.length === 1 ? 'Repo' : 'Repos'}${extraExcerpt(g.excerpt, g.example) ? ' and log excerpt' : ''}</summary>`, '');
      for (const r of g.repos.slice(0, limit)) lines.push(`- ${name(r)}${r.logPath ? ` — log ${markdownCode(r.logPath)}` : ''}`);
      if (g.repos.length > limit) lines.push(`- … and ${g.repos.length - limit} more`);
      const excerpt = extraExcerpt(g.excerpt, g.example);
      const owner = excerptOwner(g);
      if (excerpt && owner) lines.push('', `Output of ${markdownText(owner)}:`);
      if (excerpt) lines.push('', markdownFence(excerpt, 'text'));
      lines.push('', '</details>');
      if (!out.fits(...lines)) break;
      shownGroups += 1;
      for (const line of lines) size += line.length + 1;
    }
    more(report.failureGroups.length, shownGroups);
  }

  if (report.pullRequests.length > 0) {
    const rows = report.pullRequests.slice(0, limit).map((r) => {
      const pr = r.pr!;
      const url = safeUrl(pr.url);
      const link = url ? `[${prLabel(pr)}](${url})` : markdownCode(pr.url, true);
      return `| ${name(r)} | ${link} | ${pr.state} | ${checksText(pr)} | ${reviewText(pr)} | ${formatDiffstat(r.diffstat)} |`;
    });
    table(['', `### Pull requests (${report.pullRequests.length})`, '', '| Repo | PR | State | Checks | Review | Diff |', '|---|---|---|---|---|---|'], rows, report.pullRequests.length);
    if (report.pullRequests.some((r) => r.pr!.refreshedAt === null)) {
      out.push('', `_Checks and reviews are read by \`fleetmod status --refresh${report.journalArgs}\`._`);
    }
  }

  const unpublished = report.repos.filter((r) => r.category === 'changed');
  if (unpublished.length > 0) {
    const rows = unpublished.slice(0, limit).map((r) => {
      const branch = r.branch ? markdownCode(r.branch, true) : '-';
      return `| ${name(r)} | ${branch}${r.outcome === 'dry-run' ? ' (dry run)' : ''} | ${formatDiffstat(r.diffstat)} |`;
    });
    table(['', `### Changed without a PR (${unpublished.length})`, '', '| Repo | Branch | Diff |', '|---|---|---|'], rows, unpublished.length);
  }

  renderCandidates(report, out, limit);

  if (report.skipGroups.length > 0) {
    const rows = report.skipGroups.slice(0, limit).map((g) => {
      const names = g.repos.slice(0, limit).map((r, i) => withDetail(name(r), g.details[i], markdownText)).join(', ');
      return `- **${g.repos.length} × ${markdownText(g.reason)}**: ${names}${g.repos.length > limit ? `, … and ${g.repos.length - limit} more` : ''}`;
    });
    table(['', '### Skipped', ''], rows, report.skipGroups.length);
  }

  renderTimings(report, table, limit);
  renderComparison(report, out, limit);

  const hint = resumeHint(report);
  if (hint) out.push('', markdownText(hint));
  if (out.cut) {
    out.push('', `_Cut to stay under GitHub's 65,536-character comment limit; the HTML report has everything: \`fleetmod report ${run.id} --format html --out report.html${report.journalArgs}\`._`);
  }
  out.push('', `<sub>Generated ${formatTime(report.generatedAt)} by fleetmod from the run journal.</sub>`);
  return out.text();
}

type Table = (heading: string[], rows: string[], total: number) => void;

function renderCandidates(report: Report, out: MarkdownDocument, limit: number): void {
  const repos = report.repos.filter((r) => r.candidates.length > 0);
  if (repos.length === 0 || !out.fits('', `### Best of N (${plural(repos.length, 'repo')})`)) return;
  let shown = 0;
  let size = 0;
  for (const r of repos.slice(0, limit)) {
    if (size > CANDIDATES_BUDGET) break;
    const columns = candidateColumns(r.candidates);
    const title = (c: string) => c[0]!.toUpperCase() + c.slice(1);
    const lines = [
      '',
      `**${markdownText(r.display)}** — ${markdownText(selectionText(r))}`,
      '',
      `| ${columns.map(title).join(' | ')} | Note |`,
      `|${columns.map((c) => (NUMERIC_CANDIDATE_COLUMNS.has(c) ? '---:' : '---')).join('|')}|---|`,
    ];
    for (const c of r.candidates.slice(0, limit)) {
      const cells = candidateCells(c);
      const row = columns.map((col) => (col === 'candidate' && c.chosen ? `**${markdownText(cells[col])}** ✔` : markdownText(cells[col])));
      lines.push(`| ${row.join(' | ')} | ${markdownText(candidateNote(c))} |`);
    }
    if (r.candidates.length > limit) lines.push('', `_… and ${r.candidates.length - limit} more candidates._`);
    if (!out.fits(...lines)) break;
    shown += 1;
    for (const line of lines) size += line.length + 1;
  }
  if (repos.length > shown) out.push('', `_… and ${repos.length - shown} more (see the HTML or JSON report)._`);
}

function renderTimings(report: Report, table: Table, limit: number): void {
  if (report.stageStats.length > 0) {
    // The stopped column only when a stop ended a stage: a run that was not interrupted keeps its table.
    const anyStopped = report.stageStats.some((s) => s.stopped > 0);
    const rows = report.stageStats.map(
      (s) => `| ${s.stage} | ${s.count} | ${formatDuration(s.p50Ms)} | ${formatDuration(s.p95Ms)} | ${formatDuration(s.maxMs)} | ${s.failed} |${anyStopped ? ` ${s.stopped} |` : ''}`,
    );
    const head = anyStopped
      ? ['| Stage | Runs | p50 | p95 | max | failed | stopped |', '|---|---:|---:|---:|---:|---:|---:|']
      : ['| Stage | Runs | p50 | p95 | max | failed |', '|---|---:|---:|---:|---:|---:|'];
    table(['', '### Stage durations', '', ...head], rows, rows.length);
  }
  if (report.slowest.length > 0) {
    const rows = report.slowest.slice(0, Math.min(limit, 10)).map((s) => {
      const stage = s.slowestStage ? `${s.slowestStage.stage} ${formatDuration(s.slowestStage.durationMs)}` : '-';
      return `| ${markdownText(s.repo.display)} | ${formatDuration(s.durationMs)} | ${stage} |`;
    });
    table(['', '### Slowest repos', '', '| Repo | Time | Longest stage |', '|---|---:|---|'], rows, rows.length);
  }
}

function renderComparison(report: Report, out: MarkdownDocument, limit: number): void {
  const c = report.comparison;
  if (!c) return;
  if (!out.fits('', `### Since the previous run`, '', `Compared with run ${markdownCode(c.previousRunId)} (${formatTime(c.previousCreatedAt)}, ${c.previousStatus}).`, '')) return;
  const list = (label: string, items: { display: string; url?: string }[]) => {
    if (items.length === 0) return;
    const shown = items.slice(0, limit).map((i) => {
      const url = safeUrl(i.url ?? null);
      return url ? `[${markdownText(i.display)}](${url})` : markdownText(i.display);
    });
    // Too long for what is left: the count, and the names in the HTML report.
    if (!out.fits(`- **${label} (${items.length})**: ${shown.join(', ')}${items.length > limit ? `, … and ${items.length - limit} more` : ''}`)) {
      out.push(`- **${label} (${items.length})**: see the HTML or JSON report`);
    }
  };
  list('Newly failing', c.newlyFailing);
  list('Newly fixed', c.newlyFixed);
  if (c.stillFailing > 0) out.push(`- **Still failing**: ${c.stillFailing}`);
  list('PRs merged since', c.prsMerged);
  list('PRs closed since', c.prsClosed);
  if (c.added || c.removed) out.push(`- Repos added: ${c.added}, removed: ${c.removed}`);
  if (c.newlyFailing.length + c.newlyFixed.length + c.stillFailing + c.prsMerged.length + c.prsClosed.length + c.added + c.removed === 0) {
    out.push('- No change in failures or pull requests.');
  }
}
