/**
 * Result reuse across runs: a new run of the same transformation takes an earlier run's journaled result for a
 * repository whose base commit has not moved — no sandbox, and no checkout or push when the branch is already at
 * the same commit — and runs the transformation again whenever anything it depends on changed.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { branchSha, git } from '../support/git.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';

interface StageRow {
  repo: string;
  stage: string;
  state: string;
  detail: string | null;
}

function query<T>(root: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function latestRunId(root: string): string {
  return query<{ id: string }>(root, 'SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1')[0]!.id;
}

/** How each stage of each repo ended in a run: "succeeded", or "skipped: <detail>". */
function stageEnds(root: string, runId: string): Record<string, Record<string, string>> {
  const rows = query<StageRow>(
    root,
    `SELECT t.repo_key AS repo, e.stage, e.state, e.detail FROM stage_events e JOIN tasks t ON t.id = e.task_id
     WHERE t.run_id = ? AND e.state <> 'started' ORDER BY e.id`,
    runId,
  );
  const ends: Record<string, Record<string, string>> = {};
  for (const r of rows) {
    const name = path.basename(r.repo, '.git');
    (ends[name] ??= {})[r.stage] = r.state === 'skipped' ? `skipped: ${r.detail}` : r.state;
  }
  return ends;
}

async function run(fx: JobFixture, ...args: string[]): Promise<{ runId: string; out: string }> {
  const io = captureIo(fx.root);
  const code = await cli(io, 'run', ...args, fx.job);
  expect(code, io.err() + io.out()).toBe(0);
  return { runId: latestRunId(fx.root), out: io.out() };
}

async function branches(fx: JobFixture): Promise<(string | null)[]> {
  return Promise.all(fx.repos.map((r) => branchSha(r.path, 'fleetmod/fixture')));
}

/** Adds a commit to the base branch of a bare repository. */
async function advanceBase(bare: string): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-advance-'));
  try {
    await git(work, 'clone', '--quiet', bare, 'w');
    const dir = path.join(work, 'w');
    await writeFile(path.join(dir, 'NOTES.md'), 'a later commit on main\n');
    await git(dir, 'add', '-A');
    await git(dir, '-c', 'user.name=Someone', '-c', 'user.email=someone@example.com', 'commit', '--quiet', '-m', 'Later');
    await git(dir, 'push', '--quiet', 'origin', 'main');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

describe('reusing an earlier run\'s result', () => {
  it('a new run of the same job on unmoved bases runs no sandbox, clones nothing and pushes nothing; the report still shows the change', async () => {
    const fx = await jobFixture({ count: 3, unchangedEvery: 3 });
    const first = await run(fx);
    const pushed = await branches(fx);
    expect(pushed.filter((sha) => sha !== null)).toHaveLength(2);

    const second = await run(fx, '--new');

    expect(second.runId).not.toBe(first.runId);
    expect(await branches(fx)).toEqual(pushed);
    const reused = `skipped: result reused from run ${first.runId}`;
    const ends = stageEnds(fx.root, second.runId);
    for (const name of ['service-01', 'service-02']) {
      expect(ends[name]).toMatchObject({ resolve: 'succeeded', clone: reused, sandbox: reused, steps: reused, diff: reused });
      expect(ends[name]!.commit).toMatch(/^skipped: the commit made before: [0-9a-f]{12}$/);
      expect(ends[name]!.push).toMatch(/^skipped: fleetmod\/fixture is already at [0-9a-f]{12} on the remote$/);
    }
    expect(ends['service-03']).toMatchObject({ resolve: 'succeeded', clone: reused, sandbox: reused });
    expect(ends['service-03']!.commit).toBeUndefined();

    const tasks = query<{ repo_key: string; outcome: string; head_sha: string | null; diff: string | null; files_changed: number | null; from_run: string | null; steps: number; sandbox_seconds: number }>(
      fx.root,
      `SELECT t.repo_key, t.outcome, t.head_sha, t.diff, t.files_changed, t.reused_from_run AS from_run, t.sandbox_seconds,
         (SELECT COUNT(*) FROM step_results r WHERE r.task_id = t.id) AS steps
       FROM tasks t WHERE t.run_id = ? ORDER BY t.position`,
      second.runId,
    );
    expect(tasks.map((t) => [t.outcome, t.from_run, t.steps, t.sandbox_seconds])).toEqual([
      ['pushed', first.runId, 2, 0],
      ['pushed', first.runId, 2, 0],
      ['unchanged', first.runId, 2, 0],
    ]);
    expect(tasks.map((t) => t.head_sha)).toEqual(pushed);
    expect(tasks[0]!.diff).toContain('+export async function loadData(url) {');
    expect(tasks[0]!.files_changed).toBe(2);

    expect(second.out).toContain(`Reused: 3 repos reused the result of run ${first.runId} (same transformation, same base commit)`);
    const io = captureIo(fx.root);
    expect(await cli(io, 'report', '--format', 'json', second.runId)).toBe(0);
    const report = JSON.parse(io.out()) as { reuse: unknown; repos: { reusedFromRun: string | null; diffstat: unknown }[] };
    expect(report.reuse).toEqual({ repos: 3, fromRuns: [first.runId] });
    const ajv = new Ajv2020({ strict: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const validate = ajv.compile(JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.repos.map((r) => r.reusedFromRun)).toEqual([first.runId, first.runId, first.runId]);

    // A third run reuses the same results: they were produced by the first run, which the report names.
    const third = await run(fx, '--new');
    expect(third.out).toContain(`Reused: 3 repos reused the result of run ${first.runId}`);
    expect(await branches(fx)).toEqual(pushed);
  });

  it('runs the transformation again where the base moved, and everywhere with --no-reuse', async () => {
    const fx = await jobFixture({ count: 2 });
    const first = await run(fx);
    const before = await branches(fx);
    await advanceBase(fx.repos[0]!.path);

    const second = await run(fx, '--new');
    const ends = stageEnds(fx.root, second.runId);
    expect(ends['service-01']).toMatchObject({ clone: 'succeeded', sandbox: 'succeeded', steps: 'succeeded', commit: 'succeeded', push: 'succeeded' });
    expect(ends['service-02']!.sandbox).toBe(`skipped: result reused from run ${first.runId}`);
    const after = await branches(fx);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    const newBase = (await git(fx.repos[0]!.path, 'rev-parse', 'main')).trim();
    expect((await git(fx.repos[0]!.path, 'rev-parse', `${after[0]}^`)).trim()).toBe(newBase);

    const third = await run(fx, '--new', '--no-reuse');
    const fresh = stageEnds(fx.root, third.runId);
    for (const name of ['service-01', 'service-02']) expect(fresh[name]).toMatchObject({ clone: 'succeeded', sandbox: 'succeeded', steps: 'succeeded' });
    expect(query(fx.root, 'SELECT id FROM tasks WHERE run_id = ? AND reused_from_run IS NOT NULL', third.runId)).toEqual([]);
  });

  it('a changed step file is a different transformation: nothing is reused (and plan says so beforehand)', async () => {
    const fx = await jobFixture({ count: 2 });
    await run(fx);
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('message: Rename in {{ repo.name }}', 'message: Rename it in {{ repo.name }}'));
    const before = captureIo(fx.root);
    expect(await cli(before, 'plan', fx.job)).toBe(0);
    expect(before.out()).toContain('Reuse: 2 repositories to run have a result of the same steps from an earlier run; it is taken without a sandbox where the base commit has not moved (--no-reuse runs them again)');

    await fx.control('true # the second version of the script');
    const after = captureIo(fx.root);
    expect(await cli(after, 'plan', fx.job)).toBe(0);
    expect(after.out()).not.toContain('Reuse:');
    const second = await run(fx, '--new');

    const ends = stageEnds(fx.root, second.runId);
    for (const name of ['service-01', 'service-02']) expect(ends[name]!.sandbox).toBe('succeeded');
  });

  it('a new commit message alone does not rewrite a branch that already has the change', async () => {
    const fx = await jobFixture({ count: 1 });
    const first = await run(fx);
    const before = await branches(fx);
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('message: Rename in {{ repo.name }}', 'message: Rename (run {{ run.id }})'));

    const second = await run(fx, '--new');

    const ends = stageEnds(fx.root, second.runId)['service-01']!;
    expect(ends).toMatchObject({ sandbox: `skipped: result reused from run ${first.runId}`, clone: `skipped: result reused from run ${first.runId}` });
    expect(ends.push).toMatch(/^skipped: /);
    expect(await branches(fx)).toEqual(before);
  });

  it('pushes the same commit again when the branch was deleted since', async () => {
    const fx = await jobFixture({ count: 1 });
    const first = await run(fx);
    const [before] = await branches(fx);
    await git(fx.repos[0]!.path, 'branch', '-D', 'fleetmod/fixture');

    const second = await run(fx, '--new');

    const ends = stageEnds(fx.root, second.runId)['service-01']!;
    expect(ends).toMatchObject({ sandbox: `skipped: result reused from run ${first.runId}`, clone: 'succeeded', commit: 'succeeded', push: 'succeeded' });
    expect(await branches(fx)).toEqual([before]);
  });
});

describe('a reused result and this run\'s secrets', () => {
  it('is refused when it contains the value of a secret this run knows (a token set since)', async () => {
    const fx = await jobFixture({ count: 1 });
    const token = 'ghp_reuseTestToken000000000000000000000042';
    await fx.control(`echo "${token}" > token.txt`);
    await run(fx);

    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), GITHUB_TOKEN: token }));
    expect(await cli(io, 'run', '--new', fx.job)).toBe(1);

    const [task] = query<{ outcome: string; error_message: string }>(
      fx.root,
      'SELECT outcome, error_message FROM tasks WHERE run_id = ?',
      latestRunId(fx.root),
    );
    expect(task).toEqual({
      outcome: 'failed',
      error_message: 'the reused change contains the value of a secret (a manifest secret or the push token); refusing to publish it',
    });
    expect(io.out()).not.toContain(token);
  });
});

describe('a result journaled within a run', () => {
  it('is forgotten when the base moved before the next checkout, so a later attempt runs the steps on the new base', async () => {
    const fx = await jobFixture({ count: 1 });
    const bare = fx.repos[0]!.path;
    const main = (await git(bare, 'rev-parse', 'main')).trim();
    // A ref below the branch's name makes the first push fail after the diff and its commit time are journaled.
    await git(bare, 'update-ref', 'refs/heads/fleetmod/fixture/blocker', main);
    const failing = captureIo(fx.root);
    expect(await cli(failing, 'run', fx.job)).toBe(1);
    const runId = latestRunId(fx.root);
    const [journaled] = query<{ base_sha: string; diff: string | null }>(fx.root, 'SELECT base_sha, diff FROM tasks');
    expect(journaled).toMatchObject({ base_sha: main, diff: expect.stringContaining('loadData') });

    // The base moves, and the next attempt fails in its steps, after its checkout of the new base.
    await git(bare, 'update-ref', '-d', 'refs/heads/fleetmod/fixture/blocker');
    await advanceBase(bare);
    await fx.control('exit 3');
    expect(await cli(captureIo(fx.root), 'retry', runId, '--failed')).toBe(1);

    await fx.control('true');
    expect(await cli(captureIo(fx.root), 'retry', runId, '--failed')).toBe(0);

    const sandboxEnds = query<{ state: string }>(fx.root, "SELECT state FROM stage_events WHERE stage = 'sandbox' AND state <> 'started' ORDER BY id");
    expect(sandboxEnds.map((e) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const moved = (await git(bare, 'rev-parse', 'main')).trim();
    const [branch] = await branches(fx);
    expect((await git(bare, 'rev-parse', `${branch}^`)).trim()).toBe(moved);
  });
});

describe('a retry with changed step files', () => {
  it('marks the run as mixing transformations: its results are never reused as those of either version of the steps', async () => {
    const fx = await jobFixture({ count: 1 });
    await fx.control('exit 3');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    const runId = latestRunId(fx.root);

    // The step file is fixed and the failure retried: the change is made by the new step file.
    await fx.control('true');
    const retry = captureIo(fx.root);
    expect(await cli(retry, 'retry', runId, '--failed')).toBe(0);
    expect(retry.err() + retry.out()).toMatch(/step files \(control\.sh\) changed since run .* will not be reused/);
    expect(query<{ transform_key: string | null }>(fx.root, 'SELECT transform_key FROM runs WHERE id = ?', runId)).toEqual([{ transform_key: `mixed:${runId}` }]);

    // Back to the step file the run started with: a new run must run it (and fail), not reuse the retry's result.
    await fx.control('exit 3');
    const again = captureIo(fx.root);
    expect(await cli(again, 'run', '--new', fx.job), again.out()).toBe(1);
    expect(again.out()).not.toMatch(/reused/i);
  });

  it('a later run with step files changed again starts a new run instead of taking the mixed run as done', async () => {
    const fx = await jobFixture({ count: 1 });
    await fx.control('exit 3');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    const runId = latestRunId(fx.root);
    await fx.control('true');
    expect(await cli(captureIo(fx.root), 'retry', runId, '--failed')).toBe(0);

    await fx.control('echo third version');
    const later = captureIo(fx.root);
    expect(await cli(later, 'run', fx.job), later.out()).toBe(0);

    expect(latestRunId(fx.root)).not.toBe(runId);
    expect(later.out()).not.toMatch(/already done|resuming/i);
  });

  it('a retry refused because another process works on the run changes nothing', async () => {
    const fx = await jobFixture({ count: 1 });
    await fx.control('exit 3');
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(1);
    const runId = latestRunId(fx.root);
    const [before] = query<{ transform_key: string }>(fx.root, 'SELECT transform_key FROM runs WHERE id = ?', runId);
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
    db.prepare("UPDATE runs SET status = 'running', owner_pid = ?, owner_host = 'another-host', heartbeat_at = ? WHERE id = ?").run(process.pid, Date.now() + 60_000, runId);
    db.close();

    await fx.control('true');
    const refused = captureIo(fx.root);
    expect(await cli(refused, 'retry', runId, '--failed')).toBe(2);

    expect(refused.err()).toMatch(/being worked on by process/);
    expect(refused.err() + refused.out()).not.toMatch(/will not be reused/);
    expect(query<{ transform_key: string }>(fx.root, 'SELECT transform_key FROM runs WHERE id = ?', runId)).toEqual([before]);
  });
});
