/**
 * Two local repositories can share a display name (`./x/team/svc.git` and `./y/team/svc.git` are both `team/svc`):
 * naming one by it must not pick the first, and what fleetmod prints for one must lead back to that one.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const RUN = '20240602-020000-cccc';

async function journalWithTwins(): Promise<{ dir: string; db: string }> {
  const dir = await tempDir();
  const db = path.join(dir, 'fleetmod.db');
  const store = openRunStore(db, createRedactor());
  store.createRun({ id: RUN, jobName: 'j', manifestPath: '/jobs/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: path.join(dir, 'run') });
  const local = (where: string) => ({ key: `/srv/${where}/team/svc.git`, url: `/srv/${where}/team/svc.git`, kind: 'local' as const, owner: 'team', name: 'svc', display: 'team/svc', env: {} });
  store.addTasks(RUN, [local('x'), local('y')]);
  for (const t of store.listTasks(RUN)) {
    store.startTask(t.id);
    store.finishTask(t.id, { outcome: 'failed', errorClass: 'permanent', errorMessage: `boom in ${t.repo.key}` });
  }
  store.setRunStatus(RUN, 'finished');
  store.close();
  return { dir, db };
}

describe('repos that share a display name', () => {
  it('show and retry --repo refuse the shared name and list the repos by key; by key, show names the repo by key', async () => {
    const { dir, db } = await journalWithTwins();
    const show = captureIo(dir);
    const retry = captureIo(dir);
    const byKey = captureIo(dir);

    const showCode = await cli(show, 'show', RUN, 'team/svc', '--db', db);
    const retryCode = await cli(retry, 'retry', RUN, '--failed', '--repo', 'team/svc', '--db', db);
    const byKeyCode = await cli(byKey, 'show', RUN, '/srv/y/team/svc.git', '--db', db);

    const refusal = `"team/svc" matches 2 repos of run ${RUN}: /srv/x/team/svc.git, /srv/y/team/svc.git; be more specific`;
    expect([showCode, show.out()]).toEqual([2, '']);
    expect(show.err()).toContain(refusal);
    expect(retryCode).toBe(2);
    expect(retry.err()).toContain(refusal);
    expect(byKeyCode).toBe(0);
    expect(byKey.out()).toContain('error:    boom in /srv/y/team/svc.git');
    expect(byKey.out()).toContain(`fleetmod show ${RUN} /srv/y/team/svc.git --log --db ${db}`);
  });
});
