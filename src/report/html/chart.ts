/** The outcome chart: one inline SVG (a proportion bar and one bar per result), no script, no external assets. */
import { escapeHtml } from '../escape.js';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../model.js';

export const CATEGORY_COLORS: Record<Category, string> = {
  'changed-pr': '#1a7f37',
  changed: '#4ac26b',
  unchanged: '#8c959f',
  'verify-failed': '#bf8700',
  failed: '#cf222e',
  skipped: '#8250df',
  pending: '#0969da',
};

const WIDTH = 600;
const LABEL = 200;
const ROW = 26;
const TOP = 40;

export function outcomeChart(counts: Readonly<Record<Category, number>>, total: number): string {
  const max = Math.max(1, ...CATEGORIES.map((c) => counts[c]));
  const barSpace = WIDTH - LABEL - 60;
  const height = TOP + CATEGORIES.length * ROW + 4;
  const parts: string[] = [];
  const summary = CATEGORIES.map((c) => `${counts[c]} ${CATEGORY_LABELS[c]}`).join(', ');
  parts.push(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(`Outcomes of ${total} repos: ${summary}`)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  // The proportion bar: every repo is in exactly one category, so the segments add up to the full width.
  let x = 0;
  for (const c of CATEGORIES) {
    if (counts[c] === 0 || total === 0) continue;
    const w = (counts[c] / total) * WIDTH;
    parts.push(`<rect x="${x.toFixed(2)}" y="4" width="${w.toFixed(2)}" height="22" fill="${CATEGORY_COLORS[c]}"><title>${escapeHtml(`${CATEGORY_LABELS[c]}: ${counts[c]}`)}</title></rect>`);
    x += w;
  }
  if (total === 0) parts.push(`<rect x="0" y="4" width="${WIDTH}" height="22" fill="#d1d9e0"/>`);
  CATEGORIES.forEach((c, i) => {
    const y = TOP + i * ROW;
    const w = counts[c] === 0 ? 0 : Math.max(2, (counts[c] / max) * barSpace);
    parts.push(`<text x="0" y="${y + 15}">${escapeHtml(CATEGORY_LABELS[c])}</text>`);
    parts.push(`<rect x="${LABEL}" y="${y + 3}" width="${w.toFixed(2)}" height="16" rx="2" fill="${CATEGORY_COLORS[c]}"/>`);
    parts.push(`<text x="${(LABEL + w + 6).toFixed(2)}" y="${y + 15}">${counts[c]}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
