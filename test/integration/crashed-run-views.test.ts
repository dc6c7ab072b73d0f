/**
 * Every view of a crashed run (`status`, `show`, the JSON report) calls the repos it left mid-way pending, as the
 * text report and `runs` do: nobody is running them, and `resume` starts them again.
 */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { captureIo, cli } from '../support/cli.js';
import { buildReportFixture, CURRENT_RUN } from '../support/report-fixture.js';
import { tempDir } from '../support/temp.js';

async function crashedJournal(): Promise<{ dir: string; db: string }> {
  const dir = await tempDir();
  const fixture = buildReportFixture(dir, { crashed: true });
  fixture.store.close();
  return { dir, db: fixture.dbPath };
}

describe('a crashed run, read after its process died', () => {
  it('status shows the repo it left mid-way as pending, not running', async () => {
    const { dir, db } = await crashedJournal();
    const io = captureIo(dir);

    expect(await cli(io, 'status', CURRENT_RUN, '--db', db), io.err()).toBe(0);

    const slow = io.out().split('\n').find((l) => l.startsWith('acme/slow'))!;
    expect(slow).toMatch(/^acme\/slow\s+pending\s/);
    expect(io.out()).not.toMatch(/\srunning\s/);
  });

  it('show says pending, and the JSON report gives status pending', async () => {
    const { dir, db } = await crashedJournal();
    const show = captureIo(dir);
    const json = captureIo(dir);

    expect(await cli(show, 'show', CURRENT_RUN, 'acme/slow', '--db', db), show.err()).toBe(0);
    expect(await cli(json, 'report', CURRENT_RUN, '--format', 'json', '--db', db), json.err()).toBe(0);

    expect(show.out()).toContain('result:   pending; last stage steps');
    expect(show.out()).not.toContain('running');
    expect(show.out()).toMatch(/^  \d\d:\d\d:\d\d  steps    not finished \(the run stopped\)$/m);
    const repos = (JSON.parse(json.out()) as { repos: { key: string; status: string }[] }).repos;
    expect(repos.find((r) => r.key === 'acme/slow')!.status).toBe('pending');
    expect(repos.filter((r) => r.status === 'running')).toEqual([]);
  });

  it('status --json tells pending from running, gives the error, and a branch only once it was pushed', async () => {
    const { dir, db } = await crashedJournal();
    const crashed = captureIo(dir);
    expect(await cli(crashed, 'status', CURRENT_RUN, '--json', '--db', db), crashed.err()).toBe(0);
    // The same run with a fresh heartbeat from a live process elsewhere: its mid-way repo is running.
    const raw = openDb(db);
    raw.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(Date.now(), CURRENT_RUN);
    raw.close();
    const live = captureIo(dir);

    expect(await cli(live, 'status', CURRENT_RUN, '--json', '--db', db), live.err()).toBe(0);

    type Row = { repo: string; status: string; outcome: string | null; errorClass: string | null; error: string | null; branch: string | null; run: Record<string, unknown> };
    const byRepo = (out: string) => new Map((out.trim().split('\n').map((l) => JSON.parse(l)) as Row[]).map((r) => [r.repo, r]));
    const before = byRepo(crashed.out());
    const now = byRepo(live.out());
    expect(before.get('acme/slow')).toMatchObject({ status: 'pending', outcome: null });
    expect(now.get('acme/slow')).toMatchObject({ status: 'running', outcome: null, run: { state: 'running', resumeCommand: null } });
    expect(now.get('acme/new-thing')).toMatchObject({ status: 'pending', outcome: null, branch: null });
    expect(now.get('acme/cli')).toMatchObject({ status: 'done', outcome: 'pushed', errorClass: null, error: null, branch: 'fleetmod/rename-fetchdata' });
    // Failed at push: its branch name is journaled, but nothing was pushed.
    expect(now.get('acme/mobile')).toMatchObject({
      status: 'done',
      outcome: 'failed',
      errorClass: 'transient',
      error: 'git push failed: Connection reset by peer (https://github.com/acme/mobile.git)',
      branch: null,
    });
  });
});
