/**
 * Forks on GitHub, through the CLI: a dry run makes none (a repository the identity can only reach through a fork
 * is run to its diff, and its log names the fork a real run would make), and with `github.fork: auto` an open PR
 * from the fork stays the PR after the identity gains push access.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { oneRepoForge } from '../../support/forge/one-repo.js';

describe('a dry run on GitHub', () => {
  it('makes no fork of a repository it cannot push to, and says which one a real run would make', { timeout: 120_000 }, async () => {
    const { forge, dir, run, lastTask } = await oneRepoForge();
    await forge.createRepo({ owner: 'acme', name: 'locked', pushers: [] });

    const dry = await run({ repo: 'acme/locked' }, '--dry-run');

    expect(dry.code, dry.out).toBe(0);
    expect(lastTask('outcome')).toEqual({ outcome: 'dry-run' });
    expect(forge.state.repo('fleetmod-bot', 'locked')).toBeUndefined();
    expect(forge.monitor.writes()).toEqual([]);
    expect(lastTaskLog(dir)).toContain('dry run: would fork acme/locked to fleetmod-bot (not made: a dry run writes nothing to GitHub)');
    expect(forge.monitor.violations).toEqual([]);
  });
});

function lastTaskLog(dir: string): string {
  const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    const id = (db.prepare('SELECT id FROM tasks ORDER BY rowid DESC LIMIT 1').get() as { id: number }).id;
    return (db.prepare("SELECT group_concat(text, '') AS text FROM (SELECT text FROM task_logs WHERE task_id = ? ORDER BY id)").get(id) as { text: string }).text;
  } finally {
    db.close();
  }
}

describe('github.fork: auto when the identity gains push access', () => {
  it('keeps the change in the open PR from its fork instead of opening a second one from the repository', { timeout: 120_000 }, async () => {
    const { forge, run, lastTask } = await oneRepoForge();
    await forge.createRepo({ owner: 'acme', name: 'locked', pushers: [] });
    expect((await run({ repo: 'acme/locked' })).code).toBe(0);
    expect(forge.pulls('acme/locked')).toMatchObject([{ number: 1, headOwner: 'fleetmod-bot', state: 'open' }]);

    // The bot is made a collaborator; the job runs again with a changed PR title.
    (forge.state.repo('acme', 'locked')!.pushers as Set<string>).add('fleetmod-bot');
    const again = await run({ repo: 'acme/locked', pr: { title: 'Rename fetchData, again', body: 'Automated by fleetmod.' } }, '--new');

    expect(again.code, again.out).toBe(0);
    expect(forge.pulls('acme/locked')).toMatchObject([{ number: 1, headOwner: 'fleetmod-bot', state: 'open', title: 'Rename fetchData, again' }]);
    expect(lastTask('outcome, pr_number')).toEqual({ outcome: 'pr-updated', pr_number: 1 });
    expect(forge.monitor.violations).toEqual([]);
  });
});
