/**
 * Which run `run` continues and `resume` picks. Continuing a run is only right when it is the same work: a step file
 * edited since (the manifest text unchanged) or a repository removed from a `file:` list makes `run` start a new run
 * and name the unfinished one; `resume` refuses a run whose step files changed, and without an id does not pick an
 * unfinished run that a newer run of the same job superseded.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { runJob, type RunSelection } from '../../src/orchestrator/run-job.js';
import { noopProgress } from '../../src/progress/types.js';
import { formatTime } from '../../src/report/format.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { plainGitRunDeps } from '../support/in-process-run.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

/** The fixture's job with its repositories in a `file:` list next to the manifest. */
async function fileListJob(count: number): Promise<JobFixture> {
  const fx = await jobFixture({ count, concurrency: 2 });
  const manifest = path.join(fx.root, fx.job);
  const text = await readFile(manifest, 'utf8');
  const inline = fx.repos.map((r) => `  - ../repos/${r.name}.git\n`).join('');
  await writeFile(manifest, text.replace(inline, '  - file: repos.txt\n'));
  await writeFile(path.join(fx.root, 'jobs', 'repos.txt'), fx.repos.map((r) => `../repos/${r.name}.git\n`).join(''));
  return fx;
}

/** Runs the fixture's job in-process on the journal the CLI uses (.fleetmod/fleetmod.db); `stopped` starts no repo. */
async function runIt(fx: JobFixture, selection: RunSelection, options: { stopped?: boolean } = {}) {
  const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
  const env = testEnv();
  const { repos } = await resolveRepos(job, { env });
  const db = openDb(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
  migrate(db);
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), groupCommit: true });
  onTestFinished(() => store.close());
  const notices: string[] = [];
  const stop = new AbortController();
  if (options.stopped) stop.abort();
  const result = await runJob(
    { ...plainGitRunDeps({ git: createHostGit({ env }), store, env }), progress: { ...noopProgress, notice: (_level, text) => notices.push(text) } },
    {
      job,
      repos,
      selection,
      dryRun: false,
      stateDir: path.join(fx.root, '.fleetmod'),
      secrets: {},
      stopSignal: stop.signal,
      abortSignal: new AbortController().signal,
    },
  );
  store.close();
  return { result, notices, listRuns: () => store.listRuns() };
}

describe('run continues the latest run of the manifest only when it is the same work', () => {
  it('a step file edited since: a new run, the unfinished one named with how to continue it', async () => {
    const fx = await jobFixture({ count: 2 });
    const first = await runIt(fx, { mode: 'auto' }, { stopped: true });
    expect(first.result.status).toBe('interrupted');
    await fx.control('echo edited > /dev/null');

    const second = await runIt(fx, { mode: 'auto' });

    expect(second.result.resumed).toBe(false);
    expect(second.result.run.id).not.toBe(first.result.run.id);
    expect(second.result.run.transformKey).not.toBe(first.result.run.transformKey);
    expect(second.result.counts).toEqual({ pushed: 2 });
    expect(second.notices.join('\n')).toContain(`run ${first.result.run.id} of this job is unfinished, but its step files differ`);
    expect(second.notices.join('\n')).toContain(`restore its step files and run: fleetmod resume ${first.result.run.id}`);
  });

  it('a repository removed from the file: list: a new run without it', async () => {
    const fx = await fileListJob(3);
    const first = await runIt(fx, { mode: 'auto' }, { stopped: true });
    const list = path.join(fx.root, 'jobs', 'repos.txt');
    await writeFile(list, (await readFile(list, 'utf8')).split('\n').slice(1).join('\n'));

    const second = await runIt(fx, { mode: 'auto' });

    expect(second.result.resumed).toBe(false);
    expect(second.result.counts).toEqual({ pushed: 2 });
    expect(second.notices.join('\n')).toContain(`run ${first.result.run.id} of this job is unfinished, but its repositories differ`);
  });

  it('the same manifest, step files and repositories: the unfinished run is continued', async () => {
    const fx = await fileListJob(2);
    const first = await runIt(fx, { mode: 'auto' }, { stopped: true });

    const second = await runIt(fx, { mode: 'auto' });

    expect(second.result).toMatchObject({ resumed: true, run: { id: first.result.run.id }, counts: { pushed: 2 } });
    expect(second.notices).toEqual([]);
  });
});

describe('fleetmod resume', () => {
  it('refuses a run whose step files changed since it started, saying how to go on', async () => {
    const fx = await jobFixture({ count: 2 });
    const first = await runIt(fx, { mode: 'auto' }, { stopped: true });
    await fx.control('echo edited > /dev/null');
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume', first.result.run.id);

    expect(code).toBe(2);
    expect(io.err()).toContain(`run ${first.result.run.id} cannot be continued: its step files (control.sh) changed since it started`);
    expect(io.err()).toMatch(/fix: restore the step files as they were, or .*: fleetmod run --new \S*job\.yaml/);
  });

  it('without an id, leaves an unfinished run that a newer run of the same job superseded, and says so', async () => {
    const fx = await jobFixture({ count: 2 });
    const old = await runIt(fx, { mode: 'auto' }, { stopped: true });
    await runIt(fx, { mode: 'new' });
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume');

    expect(code).toBe(2);
    expect(io.err()).toContain(`no unfinished run to resume: ${old.result.run.id} (job fixture-job, interrupted) has a newer run of the same job`);
    expect(io.err()).toContain(`fleetmod resume ${old.result.run.id}`);
  });

  it('without an id, names the run it resumes', async () => {
    const fx = await jobFixture({ count: 2 });
    await runIt(fx, { mode: 'auto' }, { stopped: true });
    const newest = await runIt(fx, { mode: 'new' }, { stopped: true });
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume');

    expect(code).toBe(0);
    expect(io.out()).toContain(`Resuming run ${newest.result.run.id} of job fixture-job (interrupted, started `);
    // The time as every other view writes it, to the minute in UTC.
    expect(io.out()).toMatch(/ \(interrupted, started \d{4}-\d\d-\d\d \d\d:\d\d UTC\): the newest unfinished run\.\n/);
  });

  it('says nothing about resuming a run that another live process works on: it is refused', async () => {
    const fx = await jobFixture({ count: 2 });
    const stopped = await runIt(fx, { mode: 'auto' }, { stopped: true });
    const db = openDb(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
    db.prepare("UPDATE runs SET status = 'running', owner_pid = 1, owner_host = 'another-host', heartbeat_at = ? WHERE id = ?").run(Date.now() + 60_000, stopped.result.run.id);
    db.close();
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume');

    expect(code).toBe(2);
    expect(io.err()).toContain('is being worked on by process 1 on another-host');
    expect(io.out()).not.toContain('Resuming run');
  });
});

describe('fleetmod resume with nothing left to resume', () => {
  // It exited 2, as for a usage error, where a cron line resuming whatever was left has done its job.
  it('without an id, when every run is finished, says so with how to retry the newest run\'s failures, and exits 0', async () => {
    const fx = await jobFixture({ count: 2 });
    await fx.control('case "$FLEETMOD_REPO_NAME" in *1) exit 1;; esac');
    const { run } = (await runIt(fx, { mode: 'auto' })).result;
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume');

    expect(code).toBe(0);
    expect(io.out()).toBe(
      `nothing to resume: no run is unfinished; the newest, ${run.id} of job fixture-job, finished at ${formatTime(run.finishedAt)}. ` +
        `1 repo failed in it; to run them again: fleetmod retry ${run.id} --failed\n`,
    );
    expect(io.err()).toBe('');
  });

  // It went through a whole session (sandbox check, claiming the run, the reports written again) and exited 1 for the
  // failures the run had already reported.
  it('with the id of a finished run, says it is finished and leaves the run as it was; with --json, on stderr', async () => {
    const fx = await jobFixture({ count: 1 });
    const { run } = (await runIt(fx, { mode: 'auto' })).result;
    const before = runRow(fx, run.id);
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume', run.id, '--json');

    expect(code).toBe(0);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(`nothing to resume: run ${run.id} of job fixture-job finished at ${formatTime(run.finishedAt)}.\n`);
    expect(runRow(fx, run.id)).toEqual(before);
  });
});

describe('resume and retry of a run with a local repository gone since it started', () => {
  // run warns of the manifest's missing local paths; resume and retry take the repositories from the journal, and
  // warned of none.
  it('resume warns of it as run does, and the run fails it', async () => {
    const fx = await jobFixture({ count: 2 });
    const { run } = (await runIt(fx, { mode: 'auto' }, { stopped: true })).result;
    const gone = fx.repos[0]!.path;
    await rm(gone, { recursive: true });
    const io = captureIo(fx.root);

    const code = await cli(io, 'resume', run.id);

    expect(io.err()).toContain(`warning: local repository ${gone} does not exist; the run will fail it\n`);
    expect(code).toBe(1);
  });

  it('retry warns of a repository it puts back that is gone', async () => {
    const fx = await jobFixture({ count: 2 });
    await fx.control('case "$FLEETMOD_REPO_NAME" in *1) exit 1;; esac');
    const { run } = (await runIt(fx, { mode: 'auto' })).result;
    const gone = fx.repos[0]!.path;
    await rm(gone, { recursive: true });
    const io = captureIo(fx.root);

    const code = await cli(io, 'retry', run.id, '--failed');

    expect(io.err()).toContain(`warning: local repository ${gone} does not exist; the run will fail it\n`);
    expect(code).toBe(1);
  });
});

/** The run's row in the journal, as it is now. */
function runRow(fx: JobFixture, runId: string): unknown {
  const db = openDb(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
  try {
    return db.prepare('SELECT * FROM runs WHERE id = ?').get(runId);
  } finally {
    db.close();
  }
}

describe('resume and retry of a run that is not there', () => {
  it('name the runs the journal has, as report does; without a journal, retry says there is nothing to retry', async () => {
    const fx = await jobFixture({ count: 1 });
    const first = await runIt(fx, { mode: 'auto' });
    const resume = captureIo(fx.root);
    const retry = captureIo(fx.root);
    const empty = await tempDir();
    const noJournal = captureIo(empty);

    expect(await cli(resume, 'resume', 'nope')).toBe(2);
    expect(await cli(retry, 'retry', 'nope', '--failed')).toBe(2);
    expect(await cli(noJournal, 'retry', 'latest', '--failed')).toBe(2);

    const known = `run nope is not in the journal; recent runs: ${first.result.run.id} (fixture-job)`;
    expect(resume.err()).toContain(known);
    expect(retry.err()).toContain(known);
    expect(noJournal.err()).toBe(`fleetmod: no journal at ${path.join(empty, '.fleetmod', 'fleetmod.db')}: nothing to retry\n`);
  });
});

describe('a finished run started again with nothing left to do', () => {
  it('keeps its end: its wall time does not grow to the moment it was started again', async () => {
    const fx = await jobFixture({ count: 1 });
    const first = await runIt(fx, { mode: 'auto' });
    expect(first.result.run).toMatchObject({ status: 'finished', finishedAt: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const again = await runIt(fx, { mode: 'auto' });
    const resumed = await runIt(fx, { mode: 'resume', runId: first.result.run.id });

    expect(again.result).toMatchObject({ resumed: true, processed: 0, run: { id: first.result.run.id, status: 'finished', finishedAt: first.result.run.finishedAt } });
    expect(resumed.result).toMatchObject({ processed: 0, run: { status: 'finished', finishedAt: first.result.run.finishedAt } });
  });
});
