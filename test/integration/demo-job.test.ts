import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { demoFixture } from '../support/demo-fixture.js';
import { branchSha, fileAt, git } from '../support/git.js';

const BRANCH = 'fleetmod/demo-rename-fetchdata';

describe('the demo job end to end (real git, real SQLite, real bubblewrap)', () => {
  it('changes and pushes every repo that uses the old API and leaves the others alone', async () => {
    const demo = await demoFixture(25);
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', demo.job);

    expect(io.err()).toBe('');
    expect(code).toBe(0);
    for (const repo of demo.repos) {
      const sha = await branchSha(repo.path, BRANCH);
      if (!repo.usesOldApi) {
        expect(sha, repo.name).toBeNull();
        continue;
      }
      expect(sha, repo.name).not.toBeNull();
      const index = await fileAt(repo.path, BRANCH, 'src/index.js');
      expect(index).toContain("import { loadData } from './client.js'");
      expect(index).not.toContain('fetchData');
      const commit = await git(repo.path, 'log', '-1', '--format=%an <%ae>%n%B', BRANCH);
      expect(commit).toContain('fleetmod demo <fleetmod-demo@example.com>');
      expect(commit).toContain(`Rename fetchData() to loadData() in ${repo.name}`);
      expect(commit).toContain('Fleetmod-Job: demo-rename-fetchdata');
      // The branch is one commit on top of main.
      expect((await git(repo.path, 'rev-list', '--count', `main..${BRANCH}`)).trim()).toBe('1');
    }
    expect(io.out()).toMatch(/changed, no PR\s+20\s+\(20 pushed, 0 dry run\)/);
    expect(io.out()).toMatch(/unchanged\s+5/);
    expect(io.out()).toContain(`branch ${BRANCH}`);

    const db = new Database(path.join(demo.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const rows = db.prepare('SELECT outcome, COUNT(*) AS n FROM tasks GROUP BY outcome ORDER BY outcome').all();
    db.close();
    expect(rows).toEqual([
      { outcome: 'pushed', n: 20 },
      { outcome: 'unchanged', n: 5 },
    ]);
  });

  it('a second run resumes: finished repos are not run again and the summary says so', async () => {
    const demo = await demoFixture(6);
    const first = captureIo(demo.root);
    expect(await cli(first, 'run', demo.job)).toBe(0);
    const shas = await Promise.all(demo.repos.map((r) => branchSha(r.path, BRANCH)));
    const dbFile = path.join(demo.root, '.fleetmod', 'fleetmod.db');
    const stageRows = () => {
      const db = new Database(dbFile, { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM stage_events').get() as { n: number }).n;
      db.close();
      return n;
    };
    const before = stageRows();

    const second = captureIo(demo.root);
    const code = await cli(second, 'run', demo.job);

    expect(code).toBe(0);
    expect(second.out()).toContain('All 6 repos were already done');
    expect(second.out()).toContain('nothing was run again');
    expect(stageRows()).toBe(before);
    expect(await Promise.all(demo.repos.map((r) => branchSha(r.path, BRANCH)))).toEqual(shas);
  });

  it('resumes after Ctrl-C: the stopped run continues where it stopped and --new starts a fresh one', async () => {
    const demo = await demoFixture(12);
    const first = captureIo(demo.root);
    let finished = 0;
    const write = first.stdout;
    first.stdout = (text) => {
      write(text);
      if (/^\[\d+\/12\]/m.test(text) && ++finished === 2) first.signal('SIGINT');
    };

    const stopped = await cli(first, 'run', '--concurrency', '2', demo.job);

    expect(stopped).toBe(130);
    expect(first.out()).toContain('stopping: running repos finish');
    const db = new Database(path.join(demo.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const doneAfterStop = (db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'done'").get() as { n: number }).n;
    db.close();
    expect(doneAfterStop).toBeGreaterThanOrEqual(2);
    expect(doneAfterStop).toBeLessThan(12);

    const second = captureIo(demo.root);
    expect(await cli(second, 'run', demo.job)).toBe(0);
    expect(second.out()).toContain(`resuming: ${doneAfterStop} of 12 already done`);
    expect(second.out()).toContain(`${doneAfterStop} repos were already done and not run again; ${12 - doneAfterStop} run now`);
    for (const repo of demo.repos) expect((await branchSha(repo.path, BRANCH)) !== null).toBe(repo.usesOldApi);

    const third = captureIo(demo.root);
    expect(await cli(third, 'run', '--new', demo.job)).toBe(0);
    expect(third.out()).not.toContain('resuming');
    expect(third.out()).toMatch(/changed, no PR\s+10/);
  });

  it('a failing step marks only that repo failed; the batch goes on and the exit code is 1', async () => {
    const demo = await demoFixture(5);
    const { readFile, writeFile } = await import('node:fs/promises');
    const jobFile = path.join(demo.root, demo.job);
    const yaml = (await readFile(jobFile, 'utf8')).replace(
      'steps:\n',
      'steps:\n  - name: gate\n    run: |\n      if [ "$FLEETMOD_REPO_NAME" = service-03 ]; then echo "cannot migrate this one" >&2; exit 3; fi\n',
    );
    await writeFile(jobFile, yaml);
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', demo.job);

    expect(code).toBe(1);
    expect(await branchSha(demo.repos[2]!.path, BRANCH)).toBeNull();
    for (const i of [0, 1, 3]) expect(await branchSha(demo.repos[i]!.path, BRANCH)).not.toBeNull();
    expect(io.out()).toMatch(/failed\s+1\s+\(1 permanent, 0 transient\)/);
    expect(io.out()).toContain('step "gate" exited with code 3: cannot migrate this one');
    const db = new Database(path.join(demo.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const failed = db.prepare("SELECT repo_key, error_class, log_path FROM tasks WHERE outcome = 'failed'").all() as {
      repo_key: string;
      error_class: string;
      log_path: string;
    }[];
    const step = db.prepare("SELECT exit_code, stderr FROM step_results WHERE name = 'gate' AND outcome = 'failure'").get();
    db.close();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.repo_key).toMatch(/service-03\.git$/);
    expect(failed[0]!.error_class).toBe('permanent');
    expect(step).toEqual({ exit_code: 3, stderr: 'cannot migrate this one\n' });
    const { readFile: read } = await import('node:fs/promises');
    expect(await read(failed[0]!.log_path, 'utf8')).toContain('gate ! cannot migrate this one');
  });

  it('a failing verify marks the repo verify-failed, keeps the output and the diff, pushes nothing', async () => {
    const demo = await demoFixture(3);
    const { readFile, writeFile } = await import('node:fs/promises');
    const jobFile = path.join(demo.root, demo.job);
    const yaml = (await readFile(jobFile, 'utf8')).replace(
      'verify:\n',
      'verify:\n  - name: tests\n    run: \'[ "$FLEETMOD_REPO_NAME" != service-02 ] || { echo "2 tests failing" >&2; exit 1; }\'\n',
    );
    await writeFile(jobFile, yaml);
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', demo.job);

    expect(code).toBe(1);
    expect(await branchSha(demo.repos[1]!.path, BRANCH)).toBeNull();
    expect(await branchSha(demo.repos[0]!.path, BRANCH)).not.toBeNull();
    expect(io.out()).toMatch(/verify failed\s+1/);
    const db = new Database(path.join(demo.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const task = db.prepare("SELECT outcome, error_message, diff FROM tasks WHERE outcome = 'verify-failed'").get() as { outcome: string; error_message: string; diff: string };
    const check = db.prepare("SELECT kind, exit_code, stderr FROM step_results WHERE name = 'tests' AND outcome = 'failure'").get();
    db.close();
    expect(task.error_message).toBe('verify "tests" exited with code 1: 2 tests failing');
    expect(task.diff).toContain('+import { loadData }');
    expect(check).toEqual({ kind: 'verify', exit_code: 1, stderr: '2 tests failing\n' });
  });

  it('--dry-run pushes nothing and keeps each diff in the journal', async () => {
    const demo = await demoFixture(3);
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', '--dry-run', demo.job);
    expect(code, io.out() + io.err()).toBe(0);

    for (const repo of demo.repos) expect(await branchSha(repo.path, BRANCH)).toBeNull();
    const db = new Database(path.join(demo.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const rows = db.prepare('SELECT outcome, diff FROM tasks ORDER BY position').all() as { outcome: string; diff: string }[];
    db.close();
    expect(rows.map((r) => r.outcome)).toEqual(['dry-run', 'dry-run', 'dry-run']);
    for (const row of rows) {
      expect(row.diff).toContain('diff --git a/src/index.js b/src/index.js');
      expect(row.diff).toContain("+import { loadData } from './client.js';");
    }
    expect(io.out()).toMatch(/changed, no PR\s+3\s+\(0 pushed, 3 dry run\)/);
  });
});
