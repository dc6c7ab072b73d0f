/**
 * While a process runs a job, a second run of that job is refused: started from an edited manifest or with --new, it
 * would push to the same branches and pull requests as the live one, and whichever finished last would win. A dry
 * run pushes nothing and may preview alongside.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { startSleepingRun } from '../support/sleeping-run.js';

describe('one live run per job', () => {
  it('refuses a second run of a job another process is running, and takes it once that one ended', { timeout: 120_000 }, async () => {
    const { fx, first, env } = await startSleepingRun({ count: 2, sleepSeconds: '2' });
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('Rename in', 'Rename fetchData in'));

    const edited = captureIo(fx.root, env('0'));
    const editedCode = await cli(edited, 'run', fx.job);
    const fresh = captureIo(fx.root, env('0'));
    const freshCode = await cli(fresh, 'run', '--new', fx.job);
    const preview = captureIo(fx.root, env('0'));
    const previewCode = await cli(preview, 'run', '--dry-run', fx.job);

    expect(editedCode).toBe(2);
    expect(edited.err()).toMatch(/^fleetmod: job "fixture-job" is being run by process \d+ on .+ \(run [\w-]+\): a second run of it now would push to the same branches and pull requests\.\n {2}fix: wait for that run to end, or stop it \(Ctrl-C there\), then run again\n$/);
    expect(freshCode).toBe(2);
    expect(fresh.err()).toContain('is being run by process');
    expect(previewCode, preview.err()).toBe(0);
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    onTestFinished(() => void db.close());
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dry_run = 0').get()).toEqual({ n: 1 });

    expect((await first.exited).code, first.output()).toBe(0);
    const after = captureIo(fx.root, env('0'));
    expect(await cli(after, 'run', fx.job), after.err()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dry_run = 0').get()).toEqual({ n: 2 });
  });

  it('says it leaves the unfinished run for a new one only once the new run is claimed, not when it is refused', { timeout: 120_000 }, async () => {
    const { fx, env } = await startSleepingRun({ count: 2, sleepSeconds: '5' });
    await fx.control('sleep "$FIXTURE_SLEEP"\n# changed');

    const changed = captureIo(fx.root, env('0'));
    const code = await cli(changed, 'run', '--json', fx.job);

    expect(code).toBe(2);
    expect(changed.err()).toContain('is being run by process');
    // No notice that a new run starts: --json consumers would take it for one that never began.
    expect(changed.out()).toBe('');
  });
});
