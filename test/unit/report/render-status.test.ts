import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/report/render-status.js';
import { run, T0, task } from '../../support/report-records.js';

describe('the status table', () => {
  it('gives a repository name too long for its column a line of its own, and the other rows keep their width', () => {
    const long = 'a-very-long-service-name-from-a-deep-group-of-repositories';
    const tasks = [
      task(1, 'r1', 'api', { outcome: 'pr-opened', pushed: true, prNumber: 7, prUrl: 'https://github.com/acme-corp/api/pull/7', prState: 'open', prDraft: false }),
      task(2, 'r1', long, { outcome: 'unchanged' }),
      task(3, 'r1', 'web', { status: 'pending', outcome: null }),
    ];

    const lines = renderStatus(run('r1'), tasks, T0, false).split('\n');

    expect(lines.slice(2)).toEqual([
      'REPO           OUTCOME    STATE  REVIEW  CHECKS  READ         PULL REQUEST',
      'acme-corp/api  pr-opened  open   -       -       at run time  https://github.com/acme-corp/api/pull/7',
      `acme-corp/${long}`,
      '               unchanged  -      -       -       -            -',
      'acme-corp/web  pending    -      -       -       -            -',
      '',
    ]);
  });

  it('keeps a name that fits the column on its row, however long the links are', () => {
    const name = 'service-name-of-twenty-eight'; // acme-corp/ and 28 characters: 38, within the column's 40
    const tasks = [task(1, 'r1', name, { outcome: 'pr-opened', pushed: true, prNumber: 1, prUrl: `https://github.example.com/acme-corp/${name}/pull/1`, prState: 'open', prDraft: true })];

    const lines = renderStatus(run('r1'), tasks, T0, false).split('\n');

    expect(lines[3]).toBe(`acme-corp/${name}  pr-opened  draft  -       -       at run time  https://github.example.com/acme-corp/${name}/pull/1`);
  });
});

describe('the status table of a run without pull requests', () => {
  it('leaves out the pull request columns and names the branch column for what it shows', () => {
    const tasks = [
      task(1, 'r1', 'api', { outcome: 'pushed', pushed: true, branch: 'fleetmod/rename' }),
      task(2, 'r1', 'web', { outcome: 'unchanged' }),
    ];

    const lines = renderStatus(run('r1'), tasks, T0, false).split('\n');

    expect(lines.slice(2)).toEqual([
      'REPO           OUTCOME    BRANCH',
      'acme-corp/api  pushed     fleetmod/rename',
      'acme-corp/web  unchanged  -',
      '',
    ]);
  });
});

describe('the status of a run that is not finished', () => {
  it('says why its repositories are pending and how it goes on; a finished run says nothing more', () => {
    const tasks = [task(1, 'r1', 'api', { outcome: 'failed' }), task(2, 'r1', 'web', { status: 'pending', outcome: null })];
    const second = (r: ReturnType<typeof run>, crashed = false) => renderStatus(r, tasks, T0, crashed, ' --db j.db').split('\n')[1];

    expect(second(run('r1', { status: 'paused', statusReason: 'the canary failed: a repository of the first 3 failed' }))).toBe(
      'paused: the canary failed: a repository of the first 3 failed; fleetmod resume r1 --db j.db continues it',
    );
    expect(second(run('r1', { status: 'interrupted', statusReason: 'interrupted' }))).toBe('interrupted; fleetmod resume r1 --db j.db continues it');
    expect(second(run('r1', { status: 'running' }), true)).toBe('crashed (its process is gone); fleetmod resume r1 --db j.db continues it');
    expect(second(run('r1', { status: 'running' }))).toBe('running');
    expect(second(run('r1'))).toBe('');
  });
});
