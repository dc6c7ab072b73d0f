import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/report/render-junit.js';
import { summarize } from '../../../src/report/summarize.js';
import { data, run, task } from '../../support/report-records.js';
import { findAll, parseXml } from '../../support/xml.js';

function testCases(xml: string) {
  return new Map(findAll(parseXml(xml), 'testcase').map((c) => [c.attrs.name, c]));
}

describe('JUnit XML test cases', () => {
  it('a failure that no command made (a missing repository, git) states its error once, then where the log is', () => {
    const message = 'repository path /srv/repos/gone.git does not exist';
    const report = summarize(
      data(run('r1'), [task(1, 'r1', 'gone', { outcome: 'failed', errorClass: 'permanent', errorMessage: message, logPath: '/logs/gone.log' })]),
    );

    const failure = findAll(testCases(renderJunit(report)).get('acme-corp/gone')!, 'failure')[0]!;

    expect(failure.attrs.message).toBe(message);
    expect(failure.text).toBe(`${message}\n\nfull log: /logs/gone.log`);
  });
});

describe('JUnit XML test case names', () => {
  it('are unique: repos that share a display name are named by their keys, the others by their display names', () => {
    const local = (where: string) => ({ key: `/srv/${where}/team/svc.git`, url: `/srv/${where}/team/svc.git`, kind: 'local', owner: 'team', name: 'svc', display: 'team/svc', env: {} }) as any;
    const report = summarize(
      data(run('r1'), [task(1, 'r1', 'api'), task(2, 'r1', 'svc', { repo: local('x') }), task(3, 'r1', 'svc', { repo: local('y') })]),
    );

    const names = findAll(parseXml(renderJunit(report)), 'testcase').map((c) => c.attrs.name);

    expect(names).toEqual(['acme-corp/api', '/srv/x/team/svc.git', '/srv/y/team/svc.git']);
  });
});

describe('JUnit XML failures and errors', () => {
  it('a transient failure is an error (it could not be judged); a permanent one and a failed verify are failures; the counts agree', () => {
    const report = summarize(
      data(run('r1'), [
        task(1, 'r1', 'flaky', { outcome: 'failed', errorClass: 'transient', errorMessage: 'git push failed: connection reset by peer' }),
        task(2, 'r1', 'broken', { outcome: 'failed', errorClass: 'permanent', errorMessage: 'step "build" exited with code 2' }),
        task(3, 'r1', 'red', { outcome: 'verify-failed', errorClass: 'permanent', errorMessage: 'verify "tests" exited with code 1' }),
        task(4, 'r1', 'fine', { outcome: 'pushed' }),
      ]),
    );

    const xml = renderJunit(report);

    const root = parseXml(xml);
    const cases = testCases(xml);
    const results = (name: string) => cases.get(`acme-corp/${name}`)!.children.map((c) => c.name).filter((n) => n !== 'system-out');

    expect([results('flaky'), results('broken'), results('red'), results('fine')]).toEqual([['error'], ['failure'], ['failure'], []]);
    expect(findAll(cases.get('acme-corp/flaky')!, 'error')[0]!.attrs).toEqual({ message: 'git push failed: connection reset by peer', type: 'failed (transient)' });
    for (const suite of [root, ...findAll(root, 'testsuite')]) expect(suite.attrs).toMatchObject({ tests: '4', failures: '2', errors: '1', skipped: '0' });
  });
});
