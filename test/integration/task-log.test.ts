import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, startCli } from '../support/built-cli.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';

/** `fleetmod show RUN REPO --log` of the fixture's first repo in its latest run ('' before the run is journaled). */
async function shownLog(fx: JobFixture): Promise<string> {
  let runId: string | undefined;
  try {
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    try {
      runId = (db.prepare('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1').get() as { id: string } | undefined)?.id;
    } finally {
      db.close();
    }
  } catch {
    return '';
  }
  if (!runId) return '';
  const io = captureIo(fx.root);
  return (await cli(io, 'show', runId, fx.repos[0]!.name, '--log')) === 0 ? io.out() : '';
}

async function logFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const run of await readdir(path.join(root, '.fleetmod', 'runs')).catch(() => [])) {
    for (const log of await readdir(path.join(root, '.fleetmod', 'runs', run, 'logs')).catch(() => [])) files.push(path.join(root, '.fleetmod', 'runs', run, 'logs', log));
  }
  return files;
}

describe('the per-repo log', () => {
  it('receives a step’s output line by line while the step is still running (fleetmod show --log)', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    await fx.control('echo "first line"; echo "to stderr" >&2; sleep 3; echo "second line"');
    const io = captureIo(fx.root);

    const running = cli(io, 'run', fx.job);
    let seenWhileRunning = '';
    for (let i = 0; i < 200 && !seenWhileRunning.includes('first line'); i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      seenWhileRunning = await shownLog(fx);
    }
    const code = await running;
    const final = await shownLog(fx);

    expect(code).toBe(0);
    expect(seenWhileRunning).toContain('  control | first line');
    expect(seenWhileRunning).toContain('  control ! to stderr');
    expect(seenWhileRunning).not.toContain('second line');
    expect(final).toMatch(/^\S+ attempt 1 of /);
    expect(final).toContain('  control | second line');
    expect(final).toMatch(/pushed new branch fleetmod\/fixture\n$/);
    // A repository that succeeded needs no file of its own: its log is in the journal.
    expect(await logFiles(fx.root)).toEqual([]);
  });

  it('a repository that fails also gets its log as a file, which the report names', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 1 });
    await fx.control('if [ "$FLEETMOD_REPO_NAME" = service-02 ]; then echo "cannot build" >&2; exit 3; fi');
    const io = captureIo(fx.root);

    expect(await cli(io, 'run', fx.job)).toBe(1);

    const files = await logFiles(fx.root);
    expect(files).toHaveLength(1);
    expect(path.basename(files[0]!)).toMatch(/^repos__service-02-[0-9a-f]{6}\.log$/);
    const text = await readFile(files[0]!, 'utf8');
    expect(text).toContain('  control ! cannot build');
    expect(text).toMatch(/error: step "control" exited with code 3/);
    expect(io.out()).toContain(`log: ${files[0]}`);
  });

  it('a repository that fails, then succeeds on retry, keeps no file of the old failure and names none', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    await fx.control('echo "cannot build" >&2; exit 3');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    expect(await logFiles(fx.root)).toHaveLength(1);
    const runs = captureIo(fx.root);
    expect(await cli(runs, 'runs', '--json')).toBe(0);
    const runId = (JSON.parse(runs.out().trim().split('\n')[0]!) as { id: string }).id;
    await fx.control('true');
    const retry = captureIo(fx.root);

    expect(await cli(retry, 'retry', runId, '--failed'), retry.err()).toBe(0);

    expect(await logFiles(fx.root)).toEqual([]);
    const json = captureIo(fx.root);
    const show = captureIo(fx.root);
    expect(await cli(json, 'report', runId, '--format', 'json')).toBe(0);
    expect(await cli(show, 'show', runId, fx.repos[0]!.name)).toBe(0);
    const [repo] = (JSON.parse(json.out()) as { repos: { outcome: string; logPath: string | null }[] }).repos;
    expect(repo).toMatchObject({ logPath: null });
    expect(repo!.outcome).not.toBe('failed');
    // Its whole log, both attempts, is in the journal, where show points.
    expect(show.out()).toMatch(/^log:  fleetmod show /m);
    expect(await shownLog(fx)).toMatch(/attempt 1 of [\s\S]*cannot build[\s\S]*attempt 2 of /);
  });
});

/** The fixture's manifest with a smaller `sandbox.output` cap (64 KiB: 32 KiB of head and of tail per stream). */
async function withOutputCap(fx: JobFixture): Promise<void> {
  const manifest = path.join(fx.root, fx.job);
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('steps:\n', 'sandbox:\n  output: 64KiB\nsteps:\n'));
}

/** The journaled stdout of the fixture's `control` step in its latest run. */
function journaledStdout(fx: JobFixture): string {
  const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return (db.prepare("SELECT stdout FROM step_results WHERE name = 'control' ORDER BY id DESC LIMIT 1").get() as { stdout: string }).stdout;
  } finally {
    db.close();
  }
}

/** The `control` step's stdout as the log shows it: its lines without their prefix, and fleetmod's notes between them. */
function loggedStdout(log: string): string {
  return log
    .split('\n')
    .filter((line) => line.startsWith('  control | ') || / control stdout: /.test(line))
    .map((line) => (line.startsWith('  control | ') ? line.slice('  control | '.length) : line.replace(/^\S+ /, '')))
    .join('\n');
}

describe('a step’s long output in the log', () => {
  // 40 KB: over the half of sandbox.output the log streams while the step runs, under the cap the journal keeps.
  it('ends with the end of the output when the journal kept all of it (nothing was cut)', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    await withOutputCap(fx);
    await fx.control('for i in $(seq 1 4000); do echo "line $i"; done; echo "the summary at the very end"');

    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(0);

    const journaled = journaledStdout(fx);
    expect(journaled).toMatch(/^line 1\n[\s\S]*line 4000\nthe summary at the very end\n$/);
    const log = await shownLog(fx);
    expect(log).not.toContain('cut by fleetmod');
    expect(loggedStdout(log)).toBe(journaled.slice(0, -1));
  });

  // 110 KB: the head and the tail are kept, the middle is cut; the log has what the journal has, with no gap.
  it('has the head, the cut and the tail the journal kept, with nothing else missing', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    await withOutputCap(fx);
    await fx.control('for i in $(seq 10001 20000); do echo "line $i"; done');

    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(0);

    const journaled = journaledStdout(fx);
    const [, head, cutBytes, tail] = /^([\s\S]*)\n… \[(\d+) bytes of output cut by fleetmod\] …\n([\s\S]*)$/.exec(journaled) ?? [];
    expect(head).toHaveLength(32 * 1024);
    const log = await shownLog(fx);
    expect(loggedStdout(log)).toBe(`${head}\ncontrol stdout: … [${cutBytes} bytes of output cut by fleetmod] … (its tail follows)\n${tail!.slice(0, -1)}`);
  });
});

describe('--keep-workdirs', () => {
  it('names the kept checkout in the repo’s log', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const io = captureIo(fx.root);

    expect(await cli(io, 'run', '--keep-workdirs', fx.job), io.err()).toBe(0);

    const runs = await readdir(path.join(fx.root, '.fleetmod', 'runs'));
    // The checkouts of the run's process are in a folder of its own (work-folder.ts).
    const runWork = path.join(fx.root, '.fleetmod', 'runs', runs[0]!, 'work');
    const work = path.join(runWork, (await readdir(runWork))[0]!);
    const kept = path.join(work, (await readdir(work))[0]!);
    expect(await shownLog(fx)).toContain(`checkout kept at ${kept} (--keep-workdirs)`);
  });

  it('keeps the checkouts when a later process goes on with the run (a retry of the failed)', { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const fx = await jobFixture({ count: 2, concurrency: 1, secrets: ['FIXTURE_FAIL'] });
    await fx.control('[ "$FLEETMOD_REPO_NAME" != "$FIXTURE_FAIL" ]');
    const env = (fail: string) => testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_FAIL: fail });
    // Another process than the test's: the next one on the run removes what dead processes left in its work folder.
    const first = startCli(fx.root, env(fx.repos[1]!.name), 'run', '--keep-workdirs', fx.job);
    expect((await first.exited).code, first.output()).toBe(1);
    const kept = /checkout kept at (\S+) \(--keep-workdirs\)/.exec(await shownLog(fx))?.[1];
    expect(kept).toBeDefined();

    const retry = captureIo(fx.root, env('none'));
    expect(await cli(retry, 'retry', 'latest', '--failed'), retry.err()).toBe(0);

    expect(await readdir(kept!)).toContain('src');
  });

  it('says nothing of a checkout without it (it is removed)', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const io = captureIo(fx.root);

    expect(await cli(io, 'run', fx.job), io.err()).toBe(0);

    expect(await shownLog(fx)).not.toContain('checkout kept');
  });
});
