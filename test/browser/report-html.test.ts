/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core (no browser download). Skipped,
 * with the reason, on a machine without /usr/bin/chromium; .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render-html.js';
import { loadRunData } from '../../src/report/run-data.js';
import { summarize } from '../../src/report/summarize.js';
import { buildReportFixture, CURRENT_RUN } from '../support/report-fixture.js';
import { data, run, task } from '../support/report-records.js';
import { tempDir } from '../support/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`report-html browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);
}

async function openReport(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const dir = await tempDir('fleetmod-html-');
  const fixture = buildReportFixture(dir);
  const data = loadRunData(fixture.store, CURRENT_RUN, { now: fixture.now })!;
  fixture.store.close();
  const file = path.join(dir, 'report.html');
  await writeFile(file, renderHtml(summarize(data)));
  // A fresh profile per test (--user-data-dir): nothing carries over between runs.
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`file://${file}`);
  return { context, page, errors };
}

const visibleRepos = (page: Page) =>
  page.$$eval('#repos tbody tr:not([hidden]) td[data-label="Repo"] .name', (cells) => cells.map((c) => c.textContent));

describe.skipIf(!haveChromium)(`HTML report in headless Chromium (needs ${CHROMIUM}; .ci/run installs it)`, () => {
  it('loads without console errors; the filter, the result picker and the headline buttons narrow the table', async () => {
    const { context, page, errors } = await openReport();
    try {
      expect(await page.textContent('#shown')).toBe('15');

      await page.fill('#filter', 'payments');
      expect(await visibleRepos(page)).toEqual(['acme/payments']);
      expect(await page.textContent('#shown')).toBe('1');

      await page.fill('#filter', 'connection reset');
      expect(await visibleRepos(page)).toEqual(['acme/mobile']);

      await page.fill('#filter', '');
      await page.selectOption('#category', 'failed');
      expect(await visibleRepos(page)).toEqual(['acme/search', 'acme/payments', 'acme/mobile', 'acme/ui']);

      await page.click('button[data-show-category="skipped"]');
      expect(await page.inputValue('#category')).toBe('skipped');
      expect(await visibleRepos(page)).toEqual(['acme/archive', 'acme/archive2']);

      await page.click('button[data-show-category=""]');
      expect(await page.textContent('#shown')).toBe('15');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sorts by a column, both ways; a diff expands and shows hostile text as text', async () => {
    const { context, page, errors } = await openReport();
    try {
      const times = () => page.$$eval('#repos tbody tr td[data-label="Time"]', (cells) => cells.map((c) => Number(c.getAttribute('data-sort'))));
      const timeHeader = page.locator('#repos thead th', { hasText: 'Time' });

      await timeHeader.locator('button').click();
      const ascending = await times();
      expect(await timeHeader.getAttribute('aria-sort')).toBe('ascending');
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await timeHeader.locator('button').click();
      const descending = await times();
      expect(descending).toEqual([...ascending].reverse());
      expect((await visibleRepos(page))[0]).toBe('acme/slow');

      const apiRow = page.locator('#repos tbody tr', { has: page.locator('.name', { hasText: /^acme\/api$/ }) });
      const diff = apiRow.locator('details.diff pre.diff');
      expect(await diff.isVisible()).toBe(false);
      await apiRow.locator('details.diff > summary').click();
      expect(await diff.isVisible()).toBe(true);
      expect(await diff.textContent()).toContain('const banner = "</pre></details><script>alert(1)</script>";');
      expect(await page.locator('script').count()).toBe(1);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html-laptop.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('best of N: a repo row links to its candidates and opens them; the chosen one is marked; a candidate diff expands as text', async () => {
    const { context, page, errors } = await openReport();
    try {
      const group = page.locator('details.candidates', { has: page.locator('summary .name', { hasText: /^acme\/api$/ }) });
      const table = group.locator('table.candidates');
      const isOpen = () => group.evaluate((el) => (el as unknown as { open: boolean }).open);
      expect(await page.locator('details.candidates').count()).toBe(1);
      expect(await group.locator('> summary').textContent()).toContain('careful: the smallest diff (4 changed lines); 2 of 3 passed');

      await group.locator('> summary').click();
      expect(await isOpen()).toBe(false);
      expect(await table.isVisible()).toBe(false);
      await page.locator('#repos a.to-candidates').click();
      expect(await isOpen()).toBe(true);
      expect(await table.isVisible()).toBe(true);

      expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-candidate')))).toEqual(['careful', 'quick', 'other-model']);
      expect(await table.locator('tr.chosen').getAttribute('data-candidate')).toBe('careful');
      expect(await table.locator('tr.chosen .badge.chosen').textContent()).toBe('✔ chosen');
      const quickDiff = table.locator('tr[data-candidate="quick"] details.candidate-diff');
      expect(await quickDiff.locator('pre.diff').isVisible()).toBe(false);
      await quickDiff.locator('summary').click();
      expect(await quickDiff.locator('pre.diff').isVisible()).toBe(true);
      expect(await quickDiff.locator('pre.diff').textContent()).toContain('+quickLoad(); // </code></pre><img src=x onerror=alert(2)>');
      expect(await page.locator('img').count()).toBe(0);

      // The chosen candidate's name finds its repo in the table's filter.
      await page.fill('#filter', 'careful');
      expect(await visibleRepos(page)).toEqual(['acme/api']);

      await mkdir(ARTIFACTS, { recursive: true });
      await group.screenshot({ path: path.join(ARTIFACTS, 'report-html-candidates.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen: no sideways scrolling, rows become cards', async () => {
    const { context, page, errors } = await openReport();
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#repos tbody tr').first().locator('details.diff > summary').click();

      // Strings, not functions: they run in the page, and this project's TypeScript has no DOM types.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      const display = await page.evaluate<string>("getComputedStyle(document.querySelector('#repos tbody tr')).display");
      expect(overflow).toBeLessThanOrEqual(0);
      expect(display).toBe('block');

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sorts the pull request table by PR number as a number (#2, #9, #10, #100)', async () => {
    const { context, page, errors } = await openHtml(renderHtml(summarize(data(run('r'), pullRequestTasks([9, 100, 10, 2])))));
    try {
      await page.click('#pull-requests + table thead th:nth-child(2) button');
      const order = await page.$$eval('#pull-requests + table tbody td[data-label="PR"] a', (links) => links.map((a) => a.textContent));

      expect(order).toEqual(['#2', '#9', '#10', '#100']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an address with a malformed #hash (report.html#100%) does not stop the script: the filter still works', async () => {
    const { context, page, errors } = await openHtml(renderHtml(summarize(data(run('r'), pullRequestTasks([9, 100, 10, 2])))), '#100%');
    try {
      await page.fill('#filter', 'svc-9');

      expect(await page.textContent('#shown')).toBe('1');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** Tasks with open PRs numbered as given, in that order. */
function pullRequestTasks(numbers: number[]) {
  return numbers.map((n, i) => task(i, 'r', `svc-${n}`, { outcome: 'pr-opened', prNumber: n, prUrl: `https://github.com/acme-corp/svc-${n}/pull/${n}`, prState: 'open' }));
}

/** Opens a rendered report (file:// address, then `hash`) in a fresh browser profile, collecting script errors. */
async function openHtml(html: string, hash = ''): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const dir = await tempDir('fleetmod-html-');
  const file = path.join(dir, 'report.html');
  await writeFile(file, html);
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`file://${file}${hash}`);
  return { context, page, errors };
}
