import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, hardStopAtFirstStep, testEnv } from '../support/cli.js';
import { branchSha } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';
import { ancestorNamed, processesNamed, settledProcessesNamed } from '../support/processes.js';

function query<T>(root: string, sql: string): T[] {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}


describe('graceful stop, resume and retry', () => {
  it('first Ctrl-C lets running repos finish within the grace time, then aborts them; resume completes the rest', async () => {
    const fx = await jobFixture({ count: 5, concurrency: 2, secrets: ['FIXTURE_SLEEP'] });
    const marker = `fleetmod-grace-${process.pid}-${Date.now()}`;
    // Steered by a secret's value, not by editing the step file: `resume` refuses a run whose step files changed.
    await fx.control(`[ "$FIXTURE_SLEEP" = 0 ] || (exec -a ${marker} sleep 30)`);
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: '30' }));
    let started = 0;
    const write = io.stdout;
    io.stdout = (text) => {
      write(text);
      started += (text.match(/"stage":"steps"/g) ?? []).length;
      if (started === 2) {
        started += 1;
        io.signal('SIGINT');
      }
    };

    const code = await cli(io, 'run', '--json', '--grace', '1s', fx.job);

    expect(code).toBe(130);
    expect(io.out()).toContain('grace time of 1s is over: aborting the repos still running');
    const tasks = query<{ status: string; n: number }>(fx.root, 'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status');
    expect(tasks).toEqual([{ status: 'pending', n: 5 }]);
    const events = query<{ message: string }>(fx.root, "SELECT message FROM task_events WHERE message LIKE 'interrupted%'");
    expect(events).toHaveLength(2);
    const [run] = query<{ status: string; status_reason: string }>(fx.root, 'SELECT status, status_reason FROM runs');
    expect(run).toEqual({ status: 'interrupted', status_reason: 'stopped by user' });
    expect(await settledProcessesNamed(marker)).toEqual([]);

    const resume = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: '0' }));
    expect(await cli(resume, 'resume'), resume.err()).toBe(0);
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/fixture')).not.toBeNull();
  });

  it('a step killed by the Ctrl-C itself while fleetmod stops (it was still in the terminal\'s process group) is run again: its repo finishes, not failed', async () => {
    const fx = await jobFixture({ count: 5, concurrency: 2 });
    const marker = `fleetmod-caught-${process.pid}-${Date.now()}`;
    await fx.control(`(exec -a ${marker} sleep 3)`);
    const io = captureIo(fx.root);
    let started = 0;
    let caught: Promise<void> | undefined;
    const write = io.stdout;
    io.stdout = (text) => {
      write(text);
      started += (text.match(/"stage":"steps"/g) ?? []).length;
      if (started === 2 && !caught) {
        // What the race looks like from fleetmod: the first Ctrl-C, and one sandbox's bwrap dying of the same SIGINT.
        caught = (async () => {
          let sleeper: string[] = [];
          while (sleeper.length === 0) {
            sleeper = await processesNamed(marker);
            await new Promise((r) => setTimeout(r, 20));
          }
          const bwrap = await ancestorNamed(Number((sleeper[0] as string).split(':')[0]), 'bwrap');
          expect(bwrap).not.toBeNull();
          io.signal('SIGINT');
          process.kill(bwrap as number, 'SIGINT');
        })();
      }
    };

    const code = await cli(io, 'run', '--json', '--grace', '1m', fx.job);
    await caught;

    expect(code).toBe(130);
    const tasks = query<{ status: string; outcome: string | null; n: number }>(fx.root, 'SELECT status, outcome, COUNT(*) AS n FROM tasks GROUP BY status, outcome ORDER BY status');
    expect(tasks).toEqual([
      { status: 'done', outcome: 'pushed', n: 2 },
      { status: 'pending', outcome: null, n: 3 },
    ]);
    expect(query(fx.root, "SELECT message FROM task_events WHERE message LIKE 'the stop signal reached a step as it started (step \"control\" did not finish%); running the repo again'")).toHaveLength(1);
    // Nor is the stage the Ctrl-C cut short journaled as failed: it stopped, and the repo's next attempt went through it.
    expect(query(fx.root, "SELECT stage, state, COUNT(*) AS n FROM stage_events WHERE state IN ('failed', 'stopped') GROUP BY stage, state")).toEqual([
      { stage: 'steps', state: 'stopped', n: 1 },
    ]);
  });

  it('a second Ctrl-C aborts at once', async () => {
    const fx = await jobFixture({ count: 3, concurrency: 1 });
    await fx.control('sleep 30');
    const io = captureIo(fx.root);
    let signalled = false;
    const write = io.stdout;
    io.stdout = (text) => {
      write(text);
      if (!signalled && text.includes('"stage":"steps"')) {
        signalled = true;
        io.signal('SIGINT');
        io.signal('SIGINT');
      }
    };
    const started = Date.now();

    const code = await cli(io, 'run', '--json', fx.job);

    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(io.out()).toContain('aborting the running repos now');
  });

  it('retry --failed re-runs only the failed repos; --class selects by error class; runs lists the run', async () => {
    const fx = await jobFixture({ count: 4, concurrency: 2 });
    await fx.control('case "$FLEETMOD_REPO_NAME" in service-02|service-04) echo "not today" >&2; exit 4;; esac');
    const first = captureIo(fx.root);
    expect(await cli(first, 'run', fx.job)).toBe(1);
    const id = query<{ id: string }>(fx.root, 'SELECT id FROM runs')[0]!.id;

    const before = query<{ updated_at: number }>(fx.root, 'SELECT updated_at FROM runs');
    const transientOnly = captureIo(fx.root);
    expect(await cli(transientOnly, 'retry', 'latest', '--failed', '--class', 'transient')).toBe(0);
    expect(transientOnly.out()).toBe(`nothing to retry: no finished repo of run ${id} matches the selection; the run is left as it is\n`);
    expect(query<{ updated_at: number }>(fx.root, 'SELECT updated_at FROM runs')).toEqual(before);
    const transientOnlyJson = captureIo(fx.root);
    expect(await cli(transientOnlyJson, 'retry', 'latest', '--failed', '--class', 'transient', '--json')).toBe(0);
    expect([transientOnlyJson.out(), transientOnlyJson.err()]).toEqual(['', transientOnly.out()]);
    const unknown = captureIo(fx.root);
    expect(await cli(unknown, 'retry', id, '--repo', 'service-09')).toBe(2);
    expect(unknown.err()).toContain(`no repo of run ${id} matches "service-09"`);

    await fx.control('true');
    const one = captureIo(fx.root);
    // A repo is named as `show` names it: here by its name alone.
    expect(await cli(one, 'retry', id, '--failed', '--repo', 'service-02', '--json'), one.err()).toBe(1);
    // --json: stdout is JSON events only; what retry says of itself is on stderr.
    expect(one.err()).toContain(`retrying 1 repo of run ${id}`);
    for (const line of one.out().trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    const retry = captureIo(fx.root);
    expect(await cli(retry, 'retry', id, '--failed'), retry.err()).toBe(0);
    expect(retry.out()).toContain(`retrying 1 repo of run ${id}`);
    const attempts = query<{ repo_key: string; attempts: number; outcome: string }>(fx.root, 'SELECT repo_key, attempts, outcome FROM tasks ORDER BY position');
    expect(attempts.map((a) => [path.basename(a.repo_key), a.attempts, a.outcome])).toEqual([
      ['service-01.git', 1, 'pushed'],
      ['service-02.git', 2, 'pushed'],
      ['service-03.git', 1, 'pushed'],
      ['service-04.git', 2, 'pushed'],
    ]);

    const runs = captureIo(fx.root);
    expect(await cli(runs, 'runs')).toBe(0);
    expect(await cli(captureIo(fx.root), 'runs', '-n', '0')).toBe(2);
    expect(await cli(captureIo(fx.root), 'status', 'latest')).toBe(0);
    expect(runs.out()).toMatch(new RegExp(`${id}\\s+fixture-job\\s+finished\\s+4/4\\s+0`));
  });

  it('retry of a run another live process works on is refused, and leaves the journal as it was', async () => {
    const fx = await jobFixture({ count: 3, concurrency: 3 });
    await fx.control('case "$FLEETMOD_REPO_NAME" in service-02) echo "not today" >&2; exit 4;; esac');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    const id = query<{ id: string }>(fx.root, 'SELECT id FROM runs')[0]!.id;
    // Another fleetmod (here: vitest's parent, alive on this host) resumed the run and writes heartbeats.
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
    db.prepare(`UPDATE runs SET status = 'running', owner_pid = ?, owner_host = ?, heartbeat_at = ?`).run(process.ppid, os.hostname(), Date.now());
    db.close();
    const tasksSql = 'SELECT repo_key, status, outcome, error_message, attempts FROM tasks ORDER BY position';
    const before = query(fx.root, tasksSql);

    const retry = captureIo(fx.root);
    expect(await cli(retry, 'retry', id, '--failed')).toBe(2);

    expect(query(fx.root, tasksSql)).toEqual(before);
    expect(query<{ status: string }>(fx.root, 'SELECT status FROM runs')).toEqual([{ status: 'running' }]);
    expect(retry.err()).toContain(`run ${id} is being worked on by process ${process.ppid}`);
    expect(retry.out()).not.toContain('retrying');
  });

  it('a run another host works on is refused even when its process has the same pid as this one (containers: pid 1 on both)', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 2 });
    await fx.control('case "$FLEETMOD_REPO_NAME" in service-02) echo "not today" >&2; exit 4;; esac');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    const id = query<{ id: string }>(fx.root, 'SELECT id FROM runs')[0]!.id;
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
    db.prepare(`UPDATE runs SET status = 'running', owner_pid = ?, owner_host = ?, heartbeat_at = ?`).run(process.pid, 'another-container', Date.now());
    db.close();
    const before = query(fx.root, 'SELECT repo_key, status, outcome FROM tasks ORDER BY position');

    const retry = captureIo(fx.root);
    expect(await cli(retry, 'retry', id, '--failed')).toBe(2);

    expect(retry.err()).toContain(`run ${id} is being worked on by process ${process.pid} on another-container`);
    expect(query(fx.root, 'SELECT repo_key, status, outcome FROM tasks ORDER BY position')).toEqual(before);
  });

  it('a deadline that passes mid-run pauses it: the rest stays pending, and the summary says how many are left', async () => {
    // Twelve one-second repos one at a time against a six-second deadline: some finish, some cannot start.
    const fx = await jobFixture({ count: 12, concurrency: 1 });
    const deadline = new Date(Date.now() + 6_000).toISOString();
    const jobFile = path.join(fx.root, fx.job);
    await writeFile(jobFile, (await readFile(jobFile, 'utf8')).replace('limits:\n', `limits:\n  deadline: "${deadline}"\n`));
    await fx.control('sleep 1');
    const io = captureIo(fx.root);

    const code = await cli(io, 'run', fx.job);

    expect(code).toBe(0);
    const counts = query<{ status: string; n: number }>(fx.root, 'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status ORDER BY status');
    const done = counts.find((c) => c.status === 'done')?.n ?? 0;
    const pending = counts.find((c) => c.status === 'pending')?.n ?? 0;
    expect(done).toBeGreaterThan(0);
    expect(pending).toBeGreaterThan(0);
    expect(done + pending).toBe(12);
    expect(io.out()).toContain(`pausing: the deadline ${deadline} has passed`);
    expect(io.out()).toMatch(new RegExp(`The run is paused \\(the deadline .* has passed\\); ${pending} repos left`));
    const [run] = query<{ status: string }>(fx.root, 'SELECT status FROM runs');
    expect(run?.status).toBe('paused');
  });

  it('a dry run between an interrupted real run and the next run does not hide it: the next run continues it', async () => {
    const fx = await jobFixture({ count: 3, concurrency: 1, secrets: ['FIXTURE_SLEEP'] });
    await fx.control('sleep "$FIXTURE_SLEEP"');
    const env = (sleep: string) => testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: sleep });
    expect(await cli(hardStopAtFirstStep(captureIo(fx.root, env('30'))), 'run', '--json', fx.job)).toBe(130);
    const [interrupted] = query<{ id: string }>(fx.root, 'SELECT id FROM runs');

    expect(await cli(captureIo(fx.root, env('0')), 'run', '--dry-run', fx.job)).toBe(0);
    const next = captureIo(fx.root, env('0'));
    expect(await cli(next, 'run', fx.job), next.err()).toBe(0);

    const runs = query<{ id: string; dry_run: number; status: string }>(fx.root, 'SELECT id, dry_run, status FROM runs ORDER BY created_at');
    expect(runs.map((r) => [r.dry_run, r.status])).toEqual([[0, 'finished'], [1, 'finished']]);
    expect(runs[0]!.id).toBe(interrupted!.id);
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/fixture')).not.toBeNull();
  });

  it('a run started with --no-reuse reuses nothing when it is resumed either', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 1, secrets: ['FIXTURE_SLEEP'] });
    await fx.control('sleep "$FIXTURE_SLEEP"');
    const env = (sleep: string) => testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: sleep });
    expect(await cli(captureIo(fx.root, env('0')), 'run', fx.job)).toBe(0);

    expect(await cli(hardStopAtFirstStep(captureIo(fx.root, env('30'))), 'run', '--new', '--no-reuse', '--json', fx.job)).toBe(130);

    const resumed = captureIo(fx.root, env('0'));
    expect(await cli(resumed, 'resume'), resumed.err()).toBe(0);
    expect(resumed.out()).not.toMatch(/reused/i);
    const [noReuseRun] = query<{ id: string; no_reuse: number }>(fx.root, 'SELECT id, no_reuse FROM runs ORDER BY created_at DESC LIMIT 1');
    expect(noReuseRun!.no_reuse).toBe(1);
    const reusedTasks = query<{ n: number }>(fx.root, `SELECT COUNT(*) AS n FROM tasks WHERE run_id = '${noReuseRun!.id}' AND reused_from_run IS NOT NULL`);
    expect(reusedTasks).toEqual([{ n: 0 }]);
  });
});
