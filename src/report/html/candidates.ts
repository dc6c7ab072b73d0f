/**
 * The HTML report's "Best of N" section: per repo that ran candidates, an expandable table of them — the chosen one
 * marked, the selection rule's reason in the summary — with each candidate's diff expandable in its row.
 */
import { candidateCells, candidateColumns, candidateTotalsText, NUMERIC_CANDIDATE_COLUMNS, selectionText, type CandidateColumn } from '../candidates.js';
import { escapeHtml } from '../escape.js';
import { formatDiffstat, plural, shellWord } from '../format.js';
import type { CandidateEntry, RepoEntry, Report } from '../model.js';
import type { DiffBudget } from './diff.js';

/** Badge colour of a candidate's result, borrowed from the repo categories. */
const BADGE: Record<CandidateEntry['status'], string> = {
  passed: 'changed-pr',
  'verify-failed': 'verify-failed',
  'score-failed': 'verify-failed',
  'step-failed': 'failed',
  error: 'failed',
  cancelled: 'unchanged',
};

const TITLES: Record<CandidateColumn, string> = {
  candidate: 'Candidate',
  result: 'Result',
  score: 'Score',
  diff: 'Diff',
  sandbox: 'Sandbox',
  cost: 'Cost',
  time: 'Time',
};

/** The anchor of a repo's candidates, linked from its row in the repo table. */
export function candidatesAnchor(repo: Pick<RepoEntry, 'taskId'>): string {
  return `candidates-${repo.taskId}`;
}

export function renderCandidatesSection(report: Report, budget: DiffBudget): string {
  const repos = report.repos.filter((r) => r.candidates.length > 0);
  if (repos.length === 0 || !report.candidates) return '';
  const e = escapeHtml;
  const out: string[] = [];
  out.push(`<h2 id="candidates">Best of N <span class="muted">(${e(plural(repos.length, 'repo'))})</span></h2>`);
  out.push(`<p class="muted">${e(candidateTotalsText(report.candidates))}.</p>`);
  repos.forEach((repo, i) => {
    const chosen = repo.candidates.some((c) => c.chosen);
    out.push(
      `<details class="group candidates" id="${candidatesAnchor(repo)}"${i === 0 ? ' open' : ''}><summary><span class="name">${e(repo.display)}</span> — ${e(selectionText(repo))}${chosen ? '' : ' <span class="badge verify-failed">none chosen</span>'}</summary>`,
    );
    const columns = candidateColumns(repo.candidates);
    const head = columns.map((c) => `<th${NUMERIC_CANDIDATE_COLUMNS.has(c) ? ' class="num"' : ''}>${TITLES[c]}</th>`).join('');
    out.push(`<table class="data candidates"><thead><tr>${head}<th>Details</th></tr></thead><tbody>`);
    for (const c of repo.candidates) out.push(candidateRow(report, repo, c, columns, budget));
    out.push('</tbody></table></details>');
  });
  return out.join('\n');
}

function candidateRow(report: Report, repo: RepoEntry, c: CandidateEntry, columns: readonly CandidateColumn[], budget: DiffBudget): string {
  const e = escapeHtml;
  const cells = candidateCells(c);
  const tds = columns.map((col) => {
    const num = NUMERIC_CANDIDATE_COLUMNS.has(col) ? ' class="num"' : '';
    if (col === 'candidate') return `<td data-label="Candidate"><span class="name">${e(c.name)}</span>${c.chosen ? ' <span class="badge chosen">✔ chosen</span>' : ''}</td>`;
    if (col === 'result') return `<td data-label="Result"><span class="badge ${BADGE[c.status]}">${e(cells.result)}</span></td>`;
    return `<td data-label="${TITLES[col]}"${num}>${e(cells[col])}</td>`;
  });
  const details: string[] = [];
  if (c.detail && !c.chosen) details.push(`<div class="sub">${e(c.detail)}</div>`);
  if (c.diff.trim() !== '') {
    const hint = `fleetmod show ${report.run.id} ${shellWord(repo.key)} --candidate ${shellWord(c.name)}${report.journalArgs}`;
    const cut = c.diffTruncated ? `<p class="sub">Only the start of this diff is in the report. ${e(hint)} prints all of it.</p>` : '';
    details.push(`<details class="diff candidate-diff"><summary>diff ${e(formatDiffstat(c.diffstat))}</summary>${budget.render(c.diff, hint)}${cut}</details>`);
  }
  return `<tr data-candidate="${e(c.name)}"${c.chosen ? ' class="chosen"' : ''}>${tds.join('')}<td data-label="Details">${details.join('')}</td></tr>`;
}
