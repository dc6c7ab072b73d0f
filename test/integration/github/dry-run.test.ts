/**
 * `fleetmod run --dry-run` writes nothing to GitHub, a fork included: a repository the identity can only reach
 * through a fork is run to its diff, and its log says which fork a real run would make.
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
