import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/report/render-junit.js';
import { renderText } from '../../../src/report/render-text.js';
import { summarize } from '../../../src/report/summarize.js';
import { data, run, task } from '../../support/report-records.js';
import { findAll, parseXml } from '../../support/xml.js';

// git's wording when the remote does not answer: the cause is on the line after the colon.
const refused = (repo: string) =>
  `git fetch failed: fatal: unable to access 'http://127.0.0.1:1/acme/${repo}.git/': Failed to connect to 127.0.0.1 port 1 after 0 ms: unable to connect to 127.0.0.1:\nConnection refused\n`;

function reportOf(...messages: string[]) {
  return summarize(
    data(
      run('r1'),
      messages.map((errorMessage, i) => task(i + 1, 'r1', `svc-${i + 1}`, { outcome: 'failed', errorClass: 'transient', errorMessage })),
    ),
  );
}

describe('the line a failure is shown by', () => {
  it("joins the cause on the next line when the first line ends with a colon (git's 'unable to connect to HOST:')", () => {
    const report = reportOf(refused('svc-1'), refused('svc-2'));

    expect(report.failureGroups).toHaveLength(1);
    expect(report.failureGroups[0]!.example).toMatch(/unable to connect to 127\.0\.0\.1: Connection refused$/);
    expect(renderText(report)).toContain('unable to connect to 127.0.0.1: Connection refused');
    const failure = findAll(parseXml(renderJunit(report)), 'error')[0]!;
    expect(failure.attrs.message).toMatch(/unable to connect to 127\.0\.0\.1: Connection refused$/);
  });

  it('groups as before: the signature is of the first line, so the same failure with other causes stays one group', () => {
    const other = refused('svc-2').replace('Connection refused', 'Connection timed out');
    const before = reportOf(refused('svc-1').split('\n')[0]!, refused('svc-2').split('\n')[0]!);

    const report = reportOf(refused('svc-1'), other);

    expect(report.failureGroups.map((g) => g.signature)).toEqual(before.failureGroups.map((g) => g.signature));
    expect(report.failureGroups[0]!.repos).toHaveLength(2);
  });

  it('keeps the first line alone when it says the whole thing, and cuts a long cause short', () => {
    const report = reportOf('step "build" exited with code 2\nsrc/a.ts(1,1): error TS2304', `unable to push:\n${'x'.repeat(500)}`);
    const examples = report.failureGroups.map((g) => g.example).sort();

    expect(examples[0]).toBe('step "build" exited with code 2');
    expect(examples[1]).toMatch(/^unable to push: x{150,159}…$/);
  });
});
