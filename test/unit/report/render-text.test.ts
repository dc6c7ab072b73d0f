import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/report/render-text.js';
import { summarize } from '../../../src/report/summarize.js';
import { data, run, task } from '../../support/report-records.js';

describe('text report lists that are cut', () => {
  const failing = (id: number) => task(id, 'r-old', `svc-${id}`, { outcome: 'failed', errorClass: 'permanent', errorMessage: 'step "build" exited with code 1' });

  it('point to the HTML report of this run, in this journal, written to a file', () => {
    const report = { ...summarize(data(run('r-old'), [failing(1), failing(2), failing(3)])), journalArgs: ' --state-dir /srv/fleet' };

    const text = renderText(report, { listLimit: 1 });

    expect(text).toContain('      … and 2 more\n');
    expect(text).not.toContain('fleetmod report --format html');
    expect(text).toContain('\nLists are cut; the HTML report has everything: fleetmod report r-old --format html --out report.html --state-dir /srv/fleet\n');
  });

  it('say nothing of it when nothing was cut', () => {
    expect(renderText(summarize(data(run('r-old'), [failing(1)])))).not.toContain('Lists are cut');
  });
});
