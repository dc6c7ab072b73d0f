/**
 * The README's table of `status --json`'s fields is the contract for tools reading it (a drift guard): it names every
 * field the emitter prints, the pull request's and the run's included, and no field it never prints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { statusJson } from '../../../src/report/status-json.js';
import { buildReportFixture, CURRENT_RUN } from '../../support/report-fixture.js';
import { tempDir } from '../../support/temp.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const start = README.indexOf('`status --json` prints one object per repository:');
const table = README.slice(start, README.indexOf('\n\n', README.indexOf('| Field |', start)));
/** Each row's first cell: the fields it documents. */
const rows = new Map(
  table
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => [line.split(' | ')[0]!, line] as const),
);

describe('README on status --json', () => {
  it('has a row for every field the emitter prints, naming the fields of pr and run, and no other row', async () => {
    const fixture = buildReportFixture(await tempDir());
    onTestFinished(() => fixture.store.close());
    const run = fixture.store.getRun(CURRENT_RUN)!;
    const lines = fixture.store.listTasks(CURRENT_RUN).map((t) => statusJson(run, t, false));
    const withPr = lines.find((l) => l.pr !== null)!;

    const fields = Object.keys(lines[0]!);
    const rowOf = (field: string) => [...rows].find(([cell]) => cell.includes(`\`${field}\``))?.[1];
    const nested = (field: 'pr' | 'run') => Object.keys(withPr[field] as object).filter((inner) => !rowOf(field)!.includes(`\`${inner}\``));

    expect(fields.filter((field) => !rowOf(field))).toEqual([]);
    expect([...rows.keys()].flatMap((cell) => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1])).filter((f) => !fields.includes(f!))).toEqual([]);
    expect(nested('pr')).toEqual([]);
    expect(nested('run')).toEqual([]);
  });
});
