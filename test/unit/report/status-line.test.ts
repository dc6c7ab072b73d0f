import { describe, expect, it } from 'vitest';
import { statusLine } from '../../../src/report/format.js';
import { summarize } from '../../../src/report/summarize.js';
import { data, run, task } from '../../support/report-records.js';

describe('the report\'s status line', () => {
  it('gives a paused run\'s reason, and none that only repeats the state', () => {
    const line = (status: 'paused' | 'interrupted', statusReason: string) =>
      statusLine(summarize(data(run('r1', { status, statusReason, finishedAt: null }), [task(1, 'r1', 'api', { status: 'pending', outcome: null })])));

    expect(line('paused', 'the canary failed: a repository of the first 3 failed')).toMatch(/^paused \(the canary failed: a repository of the first 3 failed\); 1 repo in /);
    expect(line('interrupted', 'interrupted')).toMatch(/^interrupted; 1 repo in /);
  });
});
