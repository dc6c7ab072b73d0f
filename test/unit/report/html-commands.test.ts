import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html/render-html.js';
import { summarize } from '../../../src/report/summarize.js';
import { data, run, task } from '../../support/report-records.js';

describe('commands the HTML report suggests', () => {
  it('quote a repository key that is not one shell word (a manifest folder with a space), so they can be pasted', () => {
    const key = '/home/me/My Jobs/repos/api.git';
    const repo = { key, url: key, kind: 'local', owner: 'repos', name: 'api', display: 'repos/api', env: {} } as any;
    const diff = ['diff --git a/a.txt b/a.txt', '--- a/a.txt', '+++ b/a.txt', '@@ -1 +1 @@', '-old', '+new', ''].join('\n');
    const report = summarize(data(run('r1'), [task(1, 'r1', 'api', { repo, outcome: 'pushed', diff, filesChanged: 1, insertions: 1, deletions: 1 })]));

    const html = renderHtml(report, { diffLimits: { linesPerRepo: 2 } });

    expect(html).toContain('fleetmod show r1 &#39;/home/me/My Jobs/repos/api.git&#39; --diff');
  });
});
