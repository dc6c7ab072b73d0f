/**
 * Manifest features at run time, through the CLI on real repositories: `if`, `continue-on-error`,
 * `{{ steps.<name>.stdout }}` in a later step and in the commit message, and per-repo `env`, `skip` and `base`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSampleRepos } from '../../src/demo/sample-repos.js';
import { captureIo, cli } from '../support/cli.js';
import { branchSha, fileAt, git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

describe('manifest features at run time', () => {
  it('runs steps by their conditions, carries step output forward, and honours per-repo env, skip and base', async () => {
    const root = await tempDir();
    const repos = await createSampleRepos({ dir: path.join(root, 'repos'), count: 4, unchangedEvery: 0 });
    const [one, two, three, four] = repos.map((r) => r.path) as [string, string, string, string];
    await git(four, 'branch', 'release', 'main~1');
    await mkdir(path.join(root, 'jobs'));
    await writeFile(
      path.join(root, 'jobs', 'job.yaml'),
      `name: runtime-features
repos:
  - ../repos/service-01.git
  - repo: ../repos/service-02.git
    env: { GREETING: hello-from-repo }
  - repo: ../repos/service-03.git
    skip: true
    skip-reason: frozen until Q3
  - repo: ../repos/service-04.git
    base: release
steps:
  - name: probe
    run: echo "probe-\${GREETING:-none}"
  - name: broken
    run: echo "this step fails" >&2; exit 7
    continue-on-error: true
  - name: record
    if: steps.broken.outcome == 'failure'
    run: echo "{{ steps.probe.stdout }} in {{ repo.name }}" > PROBE.txt
  - name: never
    if: repo.name == 'nope' || steps.probe.outcome == 'failure'
    run: touch NEVER.txt
change:
  branch: fleetmod/runtime
  commit:
    message: "Record {{ steps.probe.stdout }} for {{ repo.name }}"
`,
    );
    const io = captureIo(root);

    const code = await cli(io, 'run', 'jobs/job.yaml');

    expect(code, io.out() + io.err()).toBe(0);
    expect(await fileAt(one, 'fleetmod/runtime', 'PROBE.txt')).toBe('probe-none in service-01\n');
    expect(await fileAt(two, 'fleetmod/runtime', 'PROBE.txt')).toBe('probe-hello-from-repo in service-02\n');
    expect(await git(one, 'log', '-1', '--format=%s', 'fleetmod/runtime')).toBe('Record probe-none for service-01\n');
    await expect(fileAt(one, 'fleetmod/runtime', 'NEVER.txt')).rejects.toThrow();
    expect(await branchSha(three, 'fleetmod/runtime')).toBeNull();
    const release = (await git(four, 'rev-parse', 'release')).trim();
    expect((await git(four, 'rev-parse', 'fleetmod/runtime~1')).trim()).toBe(release);
    expect(await fileAt(four, 'fleetmod/runtime', 'PROBE.txt')).toBe('probe-none in service-04\n');

    const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const tasks = db.prepare('SELECT outcome, skip_reason, base_branch FROM tasks ORDER BY position').all();
    const steps = db
      .prepare(`SELECT name, outcome, exit_code FROM step_results WHERE task_id = (SELECT id FROM tasks WHERE position = 0) ORDER BY id`)
      .all();
    db.close();
    expect(tasks).toEqual([
      { outcome: 'pushed', skip_reason: null, base_branch: 'main' },
      { outcome: 'pushed', skip_reason: null, base_branch: 'main' },
      { outcome: 'skipped', skip_reason: 'frozen until Q3', base_branch: null },
      { outcome: 'pushed', skip_reason: null, base_branch: 'release' },
    ]);
    expect(steps).toEqual([
      { name: 'probe', outcome: 'success', exit_code: 0 },
      { name: 'broken', outcome: 'failure', exit_code: 7 },
      { name: 'record', outcome: 'success', exit_code: 0 },
      { name: 'never', outcome: 'skipped', exit_code: null },
    ]);
  });
});
