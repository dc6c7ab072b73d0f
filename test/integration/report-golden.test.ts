import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderText } from '../../src/report/render-text.js';
import { loadRunData } from '../../src/report/run-data.js';
import { summarize } from '../../src/report/summarize.js';
import { buildReportFixture, CURRENT_RUN } from '../support/report-fixture.js';
import { tempDir } from '../support/temp.js';

const GOLDEN = path.resolve(import.meta.dirname, '../golden');
/** `UPDATE_GOLDEN=1 npx vitest run test/integration/report-golden.test.ts` rewrites the files after a deliberate change. */
const update = process.env.UPDATE_GOLDEN === '1';

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (update) await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

async function fixtureReport(provider = 'e2b') {
  const fixture = buildReportFixture(await tempDir(), { provider });
  const data = loadRunData(fixture.store, CURRENT_RUN, { now: fixture.now })!;
  fixture.store.close();
  return summarize(data);
}

describe('report golden files (a fixed stored run, fixed clock)', () => {
  it('text', async () => {
    await golden('report.txt', renderText(await fixtureReport()));
  });

  it('markdown', async () => {
    await golden('report.md', renderMarkdown(await fixtureReport()));
  });

  it('is deterministic: two journals built the same way give the same bytes in every format', async () => {
    const [a, b] = [await fixtureReport(), await fixtureReport()];

    expect(renderText(a)).toBe(renderText(b));
    expect(renderMarkdown(a)).toBe(renderMarkdown(b));
  });
});
