/**
 * `fleetmod retry` of a GitHub run is refused when nothing could be pushed (no credentials) — and a refused
 * command must leave the journal as it was: the failed repository stays failed, with its error, not pending.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { TOKEN, forgeWithBot } from '../../support/forge/fixtures.js';
import { FAST_PACING, writeForgeJob } from '../../support/forge/job.js';
import { tempDir } from '../../support/temp.js';

function journal(dir: string): { runs: unknown[]; tasks: unknown[] } {
  const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT id, status, status_reason FROM runs').all(),
      tasks: db.prepare('SELECT repo_key, status, outcome, error_class, error_message, retries, attempts FROM tasks').all(),
    };
  } finally {
    db.close();
  }
}

describe('retry of a GitHub run without credentials', () => {
  it('is refused before it reopens anything', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'a' });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: ['acme/a'], step: 'echo boom >&2; exit 3' });
    const env = { FLEETMOD_GITHUB_PACING: FAST_PACING, FLEETMOD_CACHE_DIR: path.join(dir, '.mirrors') };
    expect(await cli(captureIo(dir, testEnv({ ...env, GITHUB_TOKEN: TOKEN })), 'run', 'job.yaml')).toBe(1);
    const before = journal(dir);
    expect(before.tasks).toMatchObject([{ status: 'done', outcome: 'failed' }]);
    const runId = (before.runs[0] as { id: string }).id;

    const retry = captureIo(dir, testEnv(env));
    expect(await cli(retry, 'retry', runId, '--failed')).toBe(2);

    expect(journal(dir)).toEqual(before);
    expect(retry.err()).toMatch(/GITHUB_TOKEN/);
    expect(retry.out()).not.toContain('retrying');
  });
});
