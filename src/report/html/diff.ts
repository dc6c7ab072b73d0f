/**
 * A unified diff as escaped, line-coloured HTML, capped per repo and per page: a report over thousands of repos
 * must stay a file a phone can open. What is cut says how to see all of it.
 */
import { escapeHtml } from '../escape.js';

export interface DiffLimits {
  /** Lines shown per repo. @default 500 */
  linesPerRepo?: number;
  /** Characters of diff across the whole page. @default 8_000_000 */
  pageChars?: number;
}

export interface DiffBudget {
  render(diff: string, moreHint: string): string;
}

/** One budget per rendered page: the first repos get their diffs in full, later ones once the page is full get a hint. */
export function diffBudget(limits: DiffLimits = {}): DiffBudget {
  const linesPerRepo = limits.linesPerRepo ?? 500;
  let charsLeft = limits.pageChars ?? 8_000_000;
  return {
    render(diff, moreHint) {
      if (charsLeft <= 0) return `<p class="sub">Diff not included: the page is full. ${escapeHtml(moreHint)}</p>`;
      // Escaping keeps every newline and the first character of every line that is classified, so the whole
      // diff is escaped once rather than line by line.
      const lines = escapeHtml(diff.replace(/\n$/, '')).split('\n');
      const shown = lines.length > linesPerRepo ? lines.slice(0, linesPerRepo) : lines;
      const html: string[] = [];
      for (const line of shown) {
        charsLeft -= line.length + 1;
        html.push(`<span${lineClass(line)}>${line || ' '}</span>`);
      }
      const cut = lines.length - shown.length;
      const note = cut > 0 ? `<p class="sub">${cut} more lines not shown. ${escapeHtml(moreHint)}</p>` : '';
      return `<pre class="diff"><code>${html.join('')}</code></pre>${note}`;
    },
  };
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff --git')) return ' class="m"';
  if (line.startsWith('+')) return ' class="a"';
  if (line.startsWith('-')) return ' class="d"';
  if (line.startsWith('@@')) return ' class="h"';
  return '';
}
