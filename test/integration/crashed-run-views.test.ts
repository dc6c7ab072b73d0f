/**
 * Every view of a crashed run (`status`, `show`, the JSON report) calls the repos it left mid-way pending, as the
 * text report and `runs` do: nobody is running them, and `resume` starts them again.
 */
import { describe, expect, it } from 'vitest';
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
});
