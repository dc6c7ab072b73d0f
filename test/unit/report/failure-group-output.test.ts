import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html/render-html.js';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import { renderText } from '../../../src/report/render-text.js';
import { summarize } from '../../../src/report/summarize.js';
import type { StepResultRecord } from '../../../src/store/types.js';
import { data, run, task } from '../../support/report-records.js';

const timedOut = (taskId: number, stdout: string): StepResultRecord => ({
  taskId, attempt: 1, candidate: 'default', kind: 'step', name: 'gen', outcome: 'timeout', exitCode: null, durationMs: 5_000, stdout, stderr: '', truncated: false, at: 1,
});

describe("a failure group's output excerpt", () => {
  it('says whose it is when the group has several repos (the others printed something else), not for a group of one', () => {
    const error = 'step "gen" did not finish: timed out after 5s';
    const report = summarize(
      data(
        run('r1'),
        [
          task(1, 'r1', 'slow', { outcome: 'failed', errorClass: 'permanent', errorMessage: error }),
          task(2, 'r1', 'huge', { outcome: 'failed', errorClass: 'permanent', errorMessage: error }),
          task(3, 'r1', 'alone', { outcome: 'verify-failed', errorClass: 'permanent', errorMessage: 'verify "t" exited with code 1' }),
        ],
        { stepResults: [timedOut(1, 'sleeping\n'), timedOut(2, 'writing 30000 lines\n'), { ...timedOut(3, ''), kind: 'verify', name: 't', outcome: 'failure', exitCode: 1, stderr: '1 test failed\n' }] },
      ),
    );

    expect(renderText(report)).toContain('      output of acme-corp/slow:\n      | step gen: timed out\n      | sleeping\n');
    expect(renderMarkdown(report)).toContain('Output of acme-corp/slow:\n\n```text\nstep gen: timed out\nsleeping\n```');
    expect(renderHtml(report)).toContain('<div class="sub">output of <span class="name">acme-corp/slow</span>:</div>\n<pre>step gen: timed out\nsleeping</pre>');
    expect(renderText(report)).toContain('      | verify t: exit 1\n      | 1 test failed\n');
    expect(renderText(report).match(/output of/g)).toHaveLength(1);
  });
});
