/**
 * limits.canary and limits.max-failures through the CLI on real repositories: the run pauses (running repositories
 * finish, the rest stay pending), says why, and `resume` goes on without another canary.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';

interface TaskRow {
  name: string;
  status: string;
  outcome: string | null;
  started_at: number | null;
  finished_at: number | null;
}

function tasks(root: string): TaskRow[] {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db
      .prepare("SELECT json_extract(repo_json, '$.name') AS name, status, outcome, started_at, finished_at FROM tasks ORDER BY position")
      .all() as TaskRow[];
  } finally {
    db.close();
  }
}

function runRow(root: string): { status: string; status_reason: string | null } {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare('SELECT status, status_reason FROM runs ORDER BY created_at DESC LIMIT 1').get() as { status: string; status_reason: string | null };
  } finally {
    db.close();
  }
}

/** A fixture whose steps fail in the repositories named in $FAIL_REPOS (a secret: changing it changes no step file). */
async function failingFixture(limits: string[]): Promise<JobFixture> {
  const fx = await jobFixture({ count: 8, concurrency: 2, limits, secrets: ['FAIL_REPOS'] });
  await fx.control('case " $FAIL_REPOS " in *" $FLEETMOD_REPO_NAME "*) echo "broken here" >&2; exit 1;; esac');
  return fx;
}

function env(fx: JobFixture, failing: string) {
  return testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FAIL_REPOS: failing });
}

describe('limits.canary', () => {
  it('runs the first repositories alone, and the others only after all of them finished', async () => {
    const fx = await failingFixture(['canary: 3']);
    const io = captureIo(fx.root, env(fx, 'none'));

    expect(await cli(io, 'run', fx.job), io.err()).toBe(0);

    expect(io.out() + io.err()).toContain('canary: the first 3 repos run before the other 5 start');
    const rows = tasks(fx.root);
    expect(rows.map((r) => r.outcome)).toEqual(Array(8).fill('pushed'));
    const canaryEnd = Math.max(...rows.slice(0, 3).map((r) => r.finished_at as number));
    expect(Math.min(...rows.slice(3).map((r) => r.started_at as number))).toBeGreaterThanOrEqual(canaryEnd);
  });

  it('pauses the run at a failure in the canary, leaving the rest pending; resume goes on without a canary', async () => {
    const fx = await failingFixture(['canary: 3']);
    const io = captureIo(fx.root, env(fx, 'service-02'));

    const code = await cli(io, 'run', fx.job);

    expect(code, io.err()).toBe(1);
    expect(io.out() + io.err()).toContain('pausing: the canary failed: a repository of the first 3 failed; the remaining repos stay pending');
    expect(io.out()).toMatch(/The run is paused \(the canary failed: a repository of the first 3 failed\); \d repos left/);
    expect(runRow(fx.root)).toEqual({ status: 'paused', status_reason: 'the canary failed: a repository of the first 3 failed' });
    const paused = tasks(fx.root);
    expect(paused.find((r) => r.name === 'service-02')).toMatchObject({ status: 'done', outcome: 'failed' });
    expect(paused.slice(3).every((r) => r.status === 'pending')).toBe(true);

    const resume = captureIo(fx.root, env(fx, 'none'));
    expect(await cli(resume, 'resume'), resume.err()).toBe(1);

    expect(resume.out() + resume.err()).not.toContain('canary');
    expect(runRow(fx.root).status).toBe('finished');
    expect(tasks(fx.root).map((r) => r.outcome)).toEqual(['pushed', 'failed', 'pushed', 'pushed', 'pushed', 'pushed', 'pushed', 'pushed']);
  });

  it('a run stopped before its canary was over runs the rest of the canary first when resumed, and pauses if it fails', async () => {
    const fx = await failingFixture(['canary: 3']);
    const io = captureIo(fx.root, env(fx, 'none'));
    // Ctrl-C once the first repository finished: the one running finishes, the canary's third never starts.
    const write = io.stdout;
    let stopped = false;
    io.stdout = (text) => {
      write(text);
      if (!stopped && text.includes('"event":"task-finished"')) {
        stopped = true;
        io.signal('SIGINT');
      }
    };
    expect(await cli(io, 'run', '--json', fx.job), io.err()).toBe(130);
    const stoppedRows = tasks(fx.root);
    expect(stoppedRows.filter((r) => r.status === 'done')).toHaveLength(2);
    expect(stoppedRows[2]?.status).toBe('pending');

    // The canary's last repository fails now: the run must pause before the fleet gets the broken change.
    const resume = captureIo(fx.root, env(fx, 'service-03'));
    expect(await cli(resume, 'resume'), resume.err()).toBe(1);

    expect(resume.out() + resume.err()).toContain('canary: the 1 left of the first 3 repos run before the other 5 start');
    expect(runRow(fx.root)).toEqual({ status: 'paused', status_reason: 'the canary failed: a repository of the first 3 failed' });
    const rows = tasks(fx.root);
    expect(rows[2]).toMatchObject({ status: 'done', outcome: 'failed' });
    expect(rows.slice(3).every((r) => r.status === 'pending')).toBe(true);
  });
});

describe('limits.canary and a stop', () => {
  it('a canary repository that fails while a Ctrl-C lets it finish still pauses the run for the canary, and says so', async () => {
    const fx = await failingFixture(['canary: 3']);
    const io = captureIo(fx.root, env(fx, 'service-02'));
    // Ctrl-C once both of the canary's first repositories are in their steps: they finish, one of them failing.
    const write = io.stdout;
    let steps = 0;
    io.stdout = (text) => {
      write(text);
      steps += (text.match(/"stage":"steps"/g) ?? []).length;
      if (steps === 2) {
        steps += 1;
        io.signal('SIGINT');
      }
    };
    expect(await cli(io, 'run', '--json', fx.job), io.err()).toBe(130);

    expect(tasks(fx.root).find((r) => r.name === 'service-02')).toMatchObject({ status: 'done', outcome: 'failed' });
    // The canary failed: that is why the run stopped taking the fleet, and what a resume goes on from.
    expect(runRow(fx.root)).toEqual({ status: 'paused', status_reason: 'the canary failed: a repository of the first 3 failed' });
  });
});

describe('limits.max-failures', () => {
  it('pauses the run once that many repositories failed; what was running finishes, nothing new starts', async () => {
    const fx = await failingFixture(['max-failures: 2']);
    const io = captureIo(fx.root, env(fx, 'service-01 service-02 service-03 service-04 service-05'));

    expect(await cli(io, 'run', fx.job)).toBe(1);

    expect(io.out() + io.err()).toContain('pausing: limits.max-failures reached: 2 repositories failed');
    expect(runRow(fx.root)).toEqual({ status: 'paused', status_reason: 'limits.max-failures reached: 2 repositories failed' });
    const rows = tasks(fx.root);
    // Two at a time: the second failure comes with at most one more repository under way.
    expect(rows.filter((r) => r.status === 'done').length).toBeLessThanOrEqual(3);
    expect(rows.slice(4).every((r) => r.status === 'pending')).toBe(true);
  });

  it('says how many repositories are left in words that fit the count: 1 repo', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 1, limits: ['max-failures: 1'], secrets: ['FAIL_REPOS'] });
    await fx.control('case " $FAIL_REPOS " in *" $FLEETMOD_REPO_NAME "*) echo "broken here" >&2; exit 1;; esac');
    const io = captureIo(fx.root, env(fx, 'service-01'));

    expect(await cli(io, 'run', fx.job)).toBe(1);

    expect(io.out()).toContain('The run is paused (limits.max-failures reached: 1 repository failed); 1 repo left. Continue with: fleetmod resume ');
  });
});
