/**
 * The HTML report: one self-contained file (inline CSS, inline SVG chart, one small inline script, no external
 * assets), readable on a laptop and a phone. Every value from the journal is escaped; diffs and logs included.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { candidateTotalsText, selectionText } from '../candidates.js';
import { escapeHtml, safeUrl } from '../escape.js';
import { withDetail } from '../failures.js';
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
  shellWord,
  statusLine,
} from '../format.js';
import { CATEGORIES, type Category, type RepoEntry, type Report } from '../model.js';
import { candidatesAnchor, renderCandidatesSection } from './candidates.js';
import { CATEGORY_COLORS, outcomeChart } from './chart.js';
import { diffBudget, type DiffBudget, type DiffLimits } from './diff.js';
import { renderRepoTable } from './repo-table.js';
import { SCRIPT } from './script.js';
import { STYLE } from './style.js';

export interface HtmlOptions {
  diffLimits?: DiffLimits;
}

export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const { run } = report;
  const e = escapeHtml;
  const budget = diffBudget(options.diffLimits);
  const title = `fleetmod: ${run.jobName} — run ${run.id}`;
  const out: string[] = [];
  out.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>${e(title)}</title><style>${STYLE}</style></head><body><main>`);
  out.push(`<h1>${e(run.jobName)}${run.dryRun ? ' <span class="muted">(dry run)</span>' : ''}</h1>`);
  out.push(`<p class="muted">Run <code>${e(run.id)}</code>, started ${e(formatTime(run.createdAt))} · ${e(statusLine(report))} · sandbox <code>${e(run.provider)}</code></p>`);
  if (!run.isolated) out.push(`<div class="banner" role="alert">⚠ ${e(HOST_WARNING)}.</div>`);
  if (run.stalled) out.push(`<div class="banner" role="status">This run says it is running, but the process running it is gone or has not written a heartbeat recently: it probably crashed.</div>`);
  if (report.sandboxUsage) {
    out.push(`<p><strong>${e(sandboxUsageText(report.sandboxUsage))}</strong>.</p>`);
  }
  if (report.candidates) out.push(`<p>Best of N: ${e(candidateTotalsText(report.candidates))}.</p>`);
  if (report.reuse) out.push(`<p>Reused: ${e(reuseText(report.reuse))}.</p>`);

  out.push('<section class="overview"><table class="headline"><tbody>');
  for (const { category, label, count, detail } of headlineRows(report.headline)) {
    out.push(
      `<tr><td><button type="button" data-show-category="${category}"><span class="dot" style="background:${CATEGORY_COLORS[category]}"></span>${e(label)}</button>${detail ? `<div class="sub">${e(detail)}</div>` : ''}</td><td class="n">${count}</td></tr>`,
    );
  }
  out.push(`<tr><td><button type="button" data-show-category="">total</button></td><td class="n">${report.headline.total}</td></tr>`);
  out.push('</tbody></table>');
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const r of report.repos) counts[r.category] += 1;
  out.push(`<div>${outcomeChart(counts, report.headline.total)}</div></section>`);
  const hint = resumeHint(report);
  if (hint) out.push(`<p>${e(hint)}</p>`);
  out.push(`<nav class="sections">${sectionLinks(report).map(([id, label]) => `<a href="#${id}">${e(label)}</a>`).join(' · ')}</nav>`);

  // The repo table is rendered first so the shipped diffs get the page's diff budget before the candidates' do.
  const repoTable = renderRepoTable(report, (repo) => repoDetails(report, repo, budget));
  renderFailures(report, out);
  renderPullRequests(report, out);
  const candidates = renderCandidatesSection(report, budget);
  if (candidates) out.push(candidates);
  renderComparison(report, out);
  renderTimings(report, out);
  renderSkips(report, out);
  out.push(repoTable);

  out.push(`<footer>Generated ${e(formatTime(report.generatedAt))} by fleetmod from the run journal. Details of one repo: <code>fleetmod show ${e(run.id)} REPO --diff --log${e(report.journalArgs)}</code></footer>`);
  out.push(`</main><script>${SCRIPT}</script></body></html>`);
  return `${out.join('\n')}\n`;
}

function sectionLinks(report: Report): [string, string][] {
  const links: [string, string][] = [];
  if (report.failureGroups.length > 0) links.push(['failures', 'Failures']);
  if (report.pullRequests.length > 0) links.push(['pull-requests', 'Pull requests']);
  if (report.candidates) links.push(['candidates', 'Best of N']);
  if (report.comparison) links.push(['since', 'Since the previous run']);
  if (report.stageStats.length > 0) links.push(['timings', 'Stage durations']);
  if (report.skipGroups.length > 0) links.push(['skipped', 'Skipped']);
  links.push(['repositories', 'All repositories']);
  return links;
}

function repoDetails(report: Report, repo: RepoEntry, budget: DiffBudget): string {
  const e = escapeHtml;
  const parts: string[] = [];
  const hint = `fleetmod show ${report.run.id} ${shellWord(repo.key)} --diff${report.journalArgs}`;
  if (repo.errorMessage && repo.category !== 'changed' && repo.category !== 'changed-pr') parts.push(`<div class="sub">${e(repo.errorMessage)}</div>`);
  if (repo.skipReason) parts.push(`<div class="sub">${e(repo.skipReason)}</div>`);
  if (repo.candidates.length > 0) {
    parts.push(`<div class="sub"><a href="#${candidatesAnchor(repo)}" class="to-candidates">best of ${repo.candidates.length}</a>: ${e(selectionText(repo))}</div>`);
  }
  if (repo.excerpt) parts.push(`<details class="log"><summary>log excerpt</summary><pre>${e(repo.excerpt)}</pre>${repo.logPath ? `<div class="sub">full log: ${logLink(repo.logPath)}</div>` : ''}</details>`);
  if (repo.diff && repo.diff.trim() !== '') parts.push(`<details class="diff"><summary>diff ${e(formatDiffstat(repo.diffstat))}</summary>${budget.render(repo.diff, hint)}</details>`);
  if (!repo.excerpt && repo.logPath && repo.outcome !== null) parts.push(`<div class="sub">${logLink(repo.logPath, 'log')}</div>`);
  return parts.join('');
}

/** A link to the log file on this machine (opens from a local report), showing the path or a short label. */
function logLink(logPath: string, label?: string): string {
  const href = path.isAbsolute(logPath) ? pathToFileURL(logPath).href : null;
  const text = label ?? logPath;
  return href ? `<a href="${escapeHtml(href)}" title="${escapeHtml(logPath)}">${label ? escapeHtml(text) : `<code>${escapeHtml(text)}</code>`}</a>` : `<code>${escapeHtml(logPath)}</code>`;
}

function renderFailures(report: Report, out: string[]): void {
  if (report.failureGroups.length === 0) return;
  const e = escapeHtml;
  out.push(`<h2 id="failures">Failures <span class="muted">(${e(plural(report.failureGroups.length, 'group'))}, largest first)</span></h2>`);
  report.failureGroups.forEach((g, i) => {
    const classes = g.outcome === 'failed' ? `, ${g.permanent} permanent, ${g.transient} transient` : '';
    out.push(`<details class="group"${i === 0 ? ' open' : ''}><summary>${g.repos.length} × ${e(g.example)} <span class="badge ${g.outcome === 'verify-failed' ? 'verify-failed' : 'failed'}">${e(g.outcome + classes)}</span></summary>`);
    out.push(`<div class="sub">signature: <code>${e(g.signature)}</code></div>`);
    const excerpt = extraExcerpt(g.excerpt, g.example);
    const owner = excerptOwner(g);
    if (excerpt && owner) out.push(`<div class="sub">output of <span class="name">${e(owner)}</span>:</div>`);
    if (excerpt) out.push(`<pre>${e(excerpt)}</pre>`);
    out.push('<ul>');
    for (const r of g.repos) out.push(`<li><span class="name">${e(r.display)}</span>${r.logPath ? ` <span class="sub">log: ${logLink(r.logPath)}</span>` : ''}</li>`);
    out.push('</ul></details>');
  });
}

function renderPullRequests(report: Report, out: string[]): void {
  if (report.pullRequests.length === 0) return;
  const e = escapeHtml;
  out.push(`<h2 id="pull-requests">Pull requests <span class="muted">(${report.pullRequests.length})</span></h2>`);
  out.push('<table class="data sortable"><thead><tr><th><button type="button">Repo</button></th><th data-type="num"><button type="button">PR</button></th><th><button type="button">State</button></th><th><button type="button">Checks</button></th><th><button type="button">Review</button></th><th class="num" data-type="num"><button type="button">Diff</button></th></tr></thead><tbody>');
  for (const r of report.pullRequests) {
    const pr = r.pr!;
    const url = safeUrl(pr.url);
    const link = url ? `<a href="${e(url)}" rel="noopener noreferrer">${e(prLabel(pr))}</a>` : `<code>${e(pr.url)}</code>`;
    const lines = r.diffstat ? r.diffstat.insertions + r.diffstat.deletions : 0;
    out.push(
      `<tr><td data-label="Repo" class="name">${e(r.display)}</td><td data-label="PR" data-sort="${pr.number ?? 0}">${link}</td><td data-label="State">${e(pr.state)}</td><td data-label="Checks">${e(checksText(pr))}</td><td data-label="Review">${e(reviewText(pr))}</td><td data-label="Diff" class="num" data-sort="${lines}">${e(formatDiffstat(r.diffstat))}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  if (report.pullRequests.some((r) => r.pr!.refreshedAt === null)) out.push(`<p class="sub">Checks and reviews are read by <code>fleetmod status --refresh${e(report.journalArgs)}</code>.</p>`);
}

function renderComparison(report: Report, out: string[]): void {
  const c = report.comparison;
  if (!c) return;
  const e = escapeHtml;
  out.push(`<h2 id="since">Since the previous run</h2><p class="muted">Compared with run <code>${e(c.previousRunId)}</code> (${e(formatTime(c.previousCreatedAt))}, ${e(c.previousStatus)}).</p><ul>`);
  const list = (label: string, items: { display: string; url?: string }[]) => {
    if (items.length === 0) return;
    const names = items.map((i) => {
      const url = safeUrl(i.url ?? null);
      return url ? `<a href="${e(url)}" rel="noopener noreferrer">${e(i.display)}</a>` : e(i.display);
    });
    out.push(`<li><strong>${e(label)} (${items.length})</strong>: ${names.join(', ')}</li>`);
  };
  list('Newly failing', c.newlyFailing);
  list('Newly fixed', c.newlyFixed);
  if (c.stillFailing > 0) out.push(`<li><strong>Still failing</strong>: ${c.stillFailing}</li>`);
  list('PRs merged since', c.prsMerged);
  list('PRs closed since', c.prsClosed);
  if (c.added || c.removed) out.push(`<li>Repos added: ${c.added}, removed: ${c.removed}</li>`);
  if (c.newlyFailing.length + c.newlyFixed.length + c.stillFailing + c.prsMerged.length + c.prsClosed.length + c.added + c.removed === 0) {
    out.push('<li>No change in failures or pull requests.</li>');
  }
  out.push('</ul>');
}

function renderTimings(report: Report, out: string[]): void {
  const e = escapeHtml;
  if (report.stageStats.length > 0) {
    // The stopped column only when a stop ended a stage (an interrupted run), as in the Markdown report.
    const anyStopped = report.stageStats.some((s) => s.stopped > 0);
    out.push(`<h2 id="timings">Stage durations</h2><table class="data"><thead><tr><th>Stage</th><th class="num">Runs</th><th class="num">p50</th><th class="num">p95</th><th class="num">max</th><th class="num">failed</th>${anyStopped ? '<th class="num">stopped</th>' : ''}</tr></thead><tbody>`);
    for (const s of report.stageStats) {
      const stopped = anyStopped ? `<td data-label="stopped" class="num">${s.stopped}</td>` : '';
      out.push(`<tr><td data-label="Stage">${e(s.stage)}</td><td data-label="Runs" class="num">${s.count}</td><td data-label="p50" class="num">${e(formatDuration(s.p50Ms))}</td><td data-label="p95" class="num">${e(formatDuration(s.p95Ms))}</td><td data-label="max" class="num">${e(formatDuration(s.maxMs))}</td><td data-label="failed" class="num">${s.failed}</td>${stopped}</tr>`);
    }
    out.push('</tbody></table>');
  }
  if (report.slowest.length > 0) {
    out.push('<h2 id="slowest">Slowest repos</h2><table class="data"><thead><tr><th>Repo</th><th class="num">Time</th><th>Longest stage</th></tr></thead><tbody>');
    for (const s of report.slowest) {
      const stage = s.slowestStage ? `${s.slowestStage.stage} ${formatDuration(s.slowestStage.durationMs)}` : '-';
      out.push(`<tr><td data-label="Repo" class="name">${e(s.repo.display)}</td><td data-label="Time" class="num">${e(formatDuration(s.durationMs))}</td><td data-label="Longest stage">${e(stage)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
}

function renderSkips(report: Report, out: string[]): void {
  if (report.skipGroups.length === 0) return;
  const e = escapeHtml;
  out.push('<h2 id="skipped">Skipped</h2><ul>');
  for (const g of report.skipGroups) out.push(`<li><strong>${g.repos.length} × ${e(g.reason)}</strong>: ${g.repos.map((r, i) => withDetail(e(r.display), g.details[i], e)).join(', ')}</li>`);
  out.push('</ul>');
}
