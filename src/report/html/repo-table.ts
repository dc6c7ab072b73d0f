/** The HTML report's table of every repo: filterable by text and result, sortable by column, details expandable. */
import { escapeHtml, safeUrl } from '../escape.js';
import { formatDiffstat, formatDuration, outcomeText, prLabel } from '../format.js';
import { CATEGORIES, CATEGORY_LABELS, type RepoEntry, type Report } from '../model.js';

export function renderRepoTable(report: Report, details: (repo: RepoEntry) => string): string {
  const e = escapeHtml;
  const out: string[] = [];
  out.push(`<h2 id="repositories">Repositories <span class="muted">(<span id="shown">${report.repos.length}</span> of ${report.repos.length} shown)</span></h2>`);
  out.push('<div class="controls">');
  out.push('<input id="filter" type="search" placeholder="Filter by name, result, error, branch…" aria-label="Filter repositories" autocomplete="off">');
  out.push('<select id="category" aria-label="Show only one result"><option value="">all results</option>');
  for (const c of CATEGORIES) out.push(`<option value="${c}">${e(CATEGORY_LABELS[c])}</option>`);
  out.push('</select></div>');
  out.push('<table id="repos" class="data sortable"><thead><tr>');
  out.push('<th data-type="num"><button type="button">#</button></th><th><button type="button">Repo</button></th><th><button type="button">Result</button></th>');
  out.push('<th><button type="button">PR / branch</button></th><th class="num" data-type="num"><button type="button">Changes</button></th>');
  out.push('<th class="num" data-type="num"><button type="button">Time</button></th><th>Details</th></tr></thead><tbody>');
  for (const repo of report.repos) out.push(row(repo, details(repo)));
  out.push('</tbody></table>');
  return out.join('\n');
}

function row(repo: RepoEntry, details: string): string {
  const e = escapeHtml;
  const result = outcomeText(repo);
  const search = [repo.display, repo.key, result, repo.category, repo.branch ?? '', repo.errorMessage?.split('\n')[0] ?? '', repo.skipReason ?? '', repo.pr?.state ?? '', repo.candidates.find((c) => c.chosen)?.name ?? '']
    .join(' ')
    .toLowerCase();
  const changed = repo.diffstat ? repo.diffstat.insertions + repo.diffstat.deletions : -1;
  let where = '';
  if (repo.pr) {
    const url = safeUrl(repo.pr.url);
    const label = `${prLabel(repo.pr)} ${repo.pr.state}`;
    where = url ? `<a href="${e(url)}" rel="noopener noreferrer">${e(label)}</a>` : e(label);
  } else if (repo.branch && (repo.category === 'changed' || repo.category === 'changed-pr')) {
    where = `<code>${e(repo.branch)}</code>`;
  }
  return (
    `<tr data-category="${repo.category}" data-search="${e(search)}">` +
    `<td data-label="#" class="num" data-sort="${repo.position}">${repo.position + 1}</td>` +
    `<td data-label="Repo"><span class="name">${e(repo.display)}</span>${repo.display !== repo.key ? `<div class="sub">${e(repo.key)}</div>` : ''}</td>` +
    `<td data-label="Result" data-sort="${e(result)}"><span class="badge ${repo.category}">${e(result)}</span></td>` +
    `<td data-label="PR / branch">${where}</td>` +
    `<td data-label="Changes" class="num" data-sort="${changed}">${e(formatDiffstat(repo.diffstat))}</td>` +
    `<td data-label="Time" class="num" data-sort="${repo.durationMs ?? -1}">${repo.durationMs === null ? '' : e(formatDuration(repo.durationMs))}</td>` +
    `<td data-label="Details">${details}</td></tr>`
  );
}
