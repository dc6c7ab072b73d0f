/**
 * A unified diff as escaped, line-coloured HTML, capped per repo, per line and per page: a report over thousands of
 * repos (or over a change to a minified bundle, one line of megabytes) must stay a file a phone can open. What is
 * cut says how to see all of it.
 */
import { escapeHtml } from '../escape.js';

export interface DiffLimits {
  /** Lines shown per repo. @default 500 */
  linesPerRepo?: number;
  /** Characters shown of one line; the rest of it is cut. @default 2_000 */
  lineChars?: number;
  /** Characters of diff HTML across the whole page. @default 8_000_000 */
  pageChars?: number;
}

export interface DiffBudget {
  render(diff: string, moreHint: string): string;
}

/**
 * One budget per rendered page: the first repos get their diffs (each line up to `lineChars`), and the repo that
 * fills the page stops there; later ones get a hint.
 */
export function diffBudget(limits: DiffLimits = {}): DiffBudget {
  const linesPerRepo = limits.linesPerRepo ?? 500;
  const lineChars = limits.lineChars ?? 2_000;
  let charsLeft = limits.pageChars ?? 8_000_000;
  return {
    render(diff, moreHint) {
      if (charsLeft <= 0) return `<p class="sub">Diff not included: the page is full. ${escapeHtml(moreHint)}</p>`;
      const { lines, total } = firstLines(diff.replace(/\n$/, ''), linesPerRepo);
      const html: string[] = [];
      let pageFull = false;
      for (const line of lines) {
        // Cut before escaping, so an entity is never split.
        const cut = line.length > lineChars;
        const text = escapeHtml(cut ? line.slice(0, lineChars) : line);
        const span = `<span${lineClass(line)}>${text || ' '}${cut ? `<i class="sub"> … ${line.length - lineChars} more characters</i>` : ''}</span>`;
        if (span.length > charsLeft) {
          pageFull = true;
          charsLeft = 0;
          break;
        }
        charsLeft -= span.length;
        html.push(span);
      }
      const notShown = total - html.length;
      const why = pageFull ? ' (the page is full)' : '';
      const note = notShown > 0 ? `<p class="sub">${notShown} more lines not shown${why}. ${escapeHtml(moreHint)}</p>` : '';
      return `${html.length > 0 ? `<pre class="diff"><code>${html.join('')}</code></pre>` : ''}${note}`;
    },
  };
}

/** The first `max` lines and how many there are, without splitting all of a diff that may be tens of megabytes. */
function firstLines(text: string, max: number): { lines: string[]; total: number } {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < max) {
    const end = text.indexOf('\n', start);
    if (end === -1) {
      lines.push(text.slice(start));
      return { lines, total: lines.length };
    }
    lines.push(text.slice(start, end));
    start = end + 1;
  }
  let total = lines.length + 1;
  for (let at = text.indexOf('\n', start); at !== -1; at = text.indexOf('\n', at + 1)) total += 1;
  return { lines, total };
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff --git')) return ' class="m"';
  if (line.startsWith('+')) return ' class="a"';
  if (line.startsWith('-')) return ' class="d"';
  if (line.startsWith('@@')) return ' class="h"';
  return '';
}
