import { describe, expect, it } from 'vitest';
import { diffBudget } from '../../../src/report/html/diff.js';

const HINT = 'fleetmod show RUN REPO --diff';

describe('HTML diff budget', () => {
  it('keeps the page under 8 MB when a diff has very long lines (a minified bundle), cutting each line', () => {
    const line = 'x'.repeat(3_000_000);
    const diff = ['diff --git a/dist/app.min.js b/dist/app.min.js', '--- a/dist/app.min.js', '+++ b/dist/app.min.js', '@@ -1 +1 @@', `-${line}`, `+${line}y`].join('\n');
    const budget = diffBudget();

    const pages = Array.from({ length: 5 }, () => budget.render(diff, HINT));

    expect(pages.join('').length).toBeLessThanOrEqual(8_000_000);
    expect(pages[4]).toContain(`<span class="a">+${'x'.repeat(1_999)}<i class="sub"> … 2998002 more characters</i></span>`);
  });

  it('stops partway through the diff that fills the page, and says why and how to see the rest', () => {
    const diff = Array.from({ length: 100 }, (_, i) => `+line ${i} ${'y'.repeat(80)}`).join('\n');
    const budget = diffBudget({ pageChars: 5_000 });

    const first = budget.render(diff, HINT);
    const second = budget.render(diff, HINT);

    expect(first.length).toBeLessThanOrEqual(5_000 + 200);
    expect(first).toContain('+line 0 ');
    expect(first).not.toContain('+line 99 ');
    expect(first).toMatch(/<p class="sub">\d+ more lines not shown \(the page is full\)\. fleetmod show RUN REPO --diff<\/p>$/);
    expect(second).toBe('<p class="sub">Diff not included: the page is full. fleetmod show RUN REPO --diff</p>');
  });

  it('cuts a long line before escaping it, never inside an entity', () => {
    const html = diffBudget({ lineChars: 5 }).render('+a<b>&c', HINT);

    expect(html).toContain('<span class="a">+a&lt;b&gt;<i class="sub"> … 2 more characters</i></span>');
  });

  it('shows up to 500 lines of a repo and counts the rest', () => {
    const html = diffBudget().render(`${Array.from({ length: 600 }, (_, i) => ` ${i}`).join('\n')}\n`, HINT);

    expect(html.match(/<span>/g)).toHaveLength(500);
    expect(html).toContain('<p class="sub">100 more lines not shown. fleetmod show RUN REPO --diff</p>');
  });
});
