import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { demoFixture } from '../../support/demo-fixture.js';
import { e2bJobFixture, renameJob } from '../../support/e2b-job.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';
import { branchSha, fileAt } from '../../support/git.js';

interface Row {
  repo_key: string;
  outcome: string;
  error_class: string | null;
  error_message: string | null;
  diff: string | null;
  attempts: number;
  sandbox_seconds: number;
  cost_usd: number;
}

function tasks(dbFile: string): Row[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT repo_key, outcome, error_class, error_message, diff, attempts, sandbox_seconds, cost_usd FROM tasks ORDER BY repo_key').all() as Row[];
  } finally {
    db.close();
  }
}

describe('fleetmod run with provider e2b against the fake E2B', () => {
  it('the demo job makes the same diffs as with the local provider, pushes them, and accounts sandbox time and cost', async () => {
    const fake = await startFakeE2b({ startLatencyMs: 20, maxConcurrent: 20 });
    const demo = await demoFixture(5);
    const jobFile = path.join(demo.root, demo.job);
    const localYaml = await readFile(jobFile, 'utf8');
    await writeFile(path.join(demo.root, 'jobs/examples/demo-e2b.yaml'), localYaml.replace('provider: local', 'provider: e2b').replace('limits:\n', 'limits:\n  sandbox-rate: 100/s\n'));

    const local = captureIo(demo.root);
    expect(await cli(local, 'run', '--dry-run', '--state-dir', '.fleetmod-local', demo.job)).toBe(0);
    const remote = captureIo(demo.root, testEnv(fake.env()));
    const code = await cli(remote, 'run', 'jobs/examples/demo-e2b.yaml');

    expect(remote.err()).toBe('');
    expect(code).toBe(0);
    const byLocal = tasks(path.join(demo.root, '.fleetmod-local', 'fleetmod.db'));
    const byE2b = tasks(path.join(demo.root, '.fleetmod', 'fleetmod.db'));
    expect(byE2b.map((t) => [t.repo_key, t.diff])).toEqual(byLocal.map((t) => [t.repo_key, t.diff]));
    expect(byE2b.map((t) => t.outcome)).toEqual(byLocal.map((t) => (t.outcome === 'dry-run' ? 'pushed' : t.outcome)));
    expect(byE2b.filter((t) => t.outcome === 'unchanged')).toHaveLength(1);
    for (const repo of demo.repos.filter((r) => r.usesOldApi)) {
      expect(await branchSha(repo.path, 'fleetmod/demo-rename-fetchdata')).not.toBeNull();
      expect(await fileAt(repo.path, 'fleetmod/demo-rename-fetchdata', 'src/index.js')).not.toContain('fetchData');
    }
    const perSecond = 2 * 0.000014 + 0.5 * 0.0000045;
    for (const t of byE2b) {
      expect(t.sandbox_seconds).toBeGreaterThanOrEqual(1);
      expect(t.cost_usd).toBeCloseTo(t.sandbox_seconds * perSecond, 12);
    }
    expect(byLocal.every((t) => t.sandbox_seconds === 0 && t.cost_usd === 0)).toBe(true);
    expect(fake.stats()).toMatchObject({ created: 5, alive: 0, killed: 5 });
  });

  it('secrets named in the manifest reach the sandbox as env vars only, and are redacted from what is stored', async () => {
    const fake = await startFakeE2b();
    const secret = 'sk-made-up-secret-4711';
    const fixture = await e2bJobFixture(2, (repos) =>
      renameJob(repos, { sandbox: '  secrets: [API_TOKEN]', step: 'test "$API_TOKEN" = sk-made-up-secret-4711\necho "token is $API_TOKEN"\nsed -i s/fetchData/loadData/g src/*.js' }),
    );
    const io = captureIo(fixture.root, testEnv(fake.env({ API_TOKEN: secret })));

    expect(await cli(io, 'run', '--dry-run', fixture.job)).toBe(0);

    const db = new Database(path.join(fixture.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const stdout = db.prepare("SELECT stdout FROM step_results WHERE name = 'rename'").all() as { stdout: string }[];
    const logs = db.prepare('SELECT task_id, group_concat(text, \'\') AS text FROM task_logs GROUP BY task_id').all() as { text: string }[];
    db.close();
    expect(stdout).toEqual([{ stdout: 'token is ***\n' }, { stdout: 'token is ***\n' }]);
    expect(logs).toHaveLength(2);
    for (const { text } of logs) {
      expect(text).toContain('token is ***');
      expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(fake.creates())).not.toContain(secret);
    const carrying = fake.commands().filter((c) => JSON.stringify(c).includes(secret));
    expect(carrying.map((c) => c.envs.API_TOKEN)).toEqual([secret, secret]);
    expect(fake.stats().alive).toBe(0);
  });

  it('takes back a change only up to sandbox.change-size, and a Latin-1 change byte for byte', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(2, (repos) =>
      renameJob(repos, {
        sandbox: '  change-size: 4KiB',
        step: [
          "case \"$FLEETMOD_REPO_NAME\" in service-001) head -c 20000 /dev/urandom > big.bin;; *) printf 'caf\\351\\n' > menu.txt;; esac",
        ].join('\n'),
      }),
    );
    const io = captureIo(fixture.root, testEnv(fake.env()));

    expect(await cli(io, 'run', fixture.job)).toBe(1);

    expect(io.out()).toMatch(/failed \(permanent\) \S*service-001\S* — the change is larger than 4\.0KiB \(sandbox\.change-size\)/);
    const blob = await promisify(execFile)('git', ['cat-file', 'blob', 'fleetmod/rename:menu.txt'], { cwd: fixture.repos[1]!, encoding: 'buffer' });
    expect(blob.stdout).toEqual(Buffer.from('caf\xe9\n', 'latin1'));
    expect(fake.stats().alive).toBe(0);
  });

  it('a sandbox lost mid-task is retried once on a fresh sandbox, then the repo fails with the reason', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(3, (repos) => renameJob(repos, { step: 'echo "working on {{ repo.name }}"\nsed -i s/fetchData/loadData/g src/*.js' }));
    fake.inject({ on: 'command', match: /working on service-002/, times: 1, action: 'expire' });
    fake.inject({ on: 'command', match: /working on service-003/, times: 3, action: 'expire' });
    const io = captureIo(fixture.root, testEnv(fake.env()));

    const code = await cli(io, 'run', '--dry-run', fixture.job);

    expect(code).toBe(1);
    const [one, two, three] = tasks(path.join(fixture.root, '.fleetmod', 'fleetmod.db'));
    expect(one).toMatchObject({ outcome: 'dry-run', attempts: 1 });
    expect(two).toMatchObject({ outcome: 'dry-run', attempts: 2 });
    expect(three).toMatchObject({ outcome: 'failed', error_class: 'permanent', attempts: 2 });
    expect(three?.error_message).toMatch(/^E2B sandbox lost again on the retry: sandbox \w+ failed while running a command: .*end of life/);
    expect(io.out()).toMatch(/retry repos\/service-002 \(attempt 2 in/);
    expect(fake.stats()).toMatchObject({ created: 5, expired: 3, alive: 0 });
  });

  it('counts the time of a sandbox lost while the checkout was unpacked in the repo\'s sandbox seconds and cost', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(1, (repos) => renameJob(repos));
    fake.inject({ on: 'command', match: /tar --extract/, action: 'expire' });
    const io = captureIo(fixture.root, testEnv(fake.env()));

    expect(await cli(io, 'run', '--dry-run', fixture.job)).toBe(0);

    const [task] = tasks(path.join(fixture.root, '.fleetmod', 'fleetmod.db'));
    expect(fake.stats()).toMatchObject({ created: 2, expired: 1, alive: 0 });
    expect(task).toMatchObject({ outcome: 'dry-run', attempts: 2 });
    // Each of the two sandboxes is billed at least a second.
    expect(task?.sandbox_seconds).toBeGreaterThanOrEqual(2);
    expect(task?.cost_usd).toBeCloseTo((task?.sandbox_seconds ?? 0) * (2 * 0.000014 + 0.5 * 0.0000045), 10);
  });

  it('kills every sandbox when Ctrl-C is pressed twice mid-step; the run is left resumable', async () => {
    const fake = await startFakeE2b();
    const fixture = await e2bJobFixture(6, (repos) => renameJob(repos, { step: 'sleep 20', limits: '  sandbox-rate: 200/s\n  sandboxes: 3' }));
    const io = captureIo(fixture.root, testEnv(fake.env()));
    const poll = setInterval(() => {
      if (fake.commands().filter((c) => c.args.join(' ').includes('sleep 20')).length >= 3) {
        clearInterval(poll);
        io.signal('SIGINT');
        io.signal('SIGINT');
      }
    }, 20);

    const code = await cli(io, 'run', '--dry-run', fixture.job);
    clearInterval(poll);

    expect(code).toBe(130);
    expect(fake.stats()).toMatchObject({ created: 3, alive: 0, killed: 3 });
    const rows = tasks(path.join(fixture.root, '.fleetmod', 'fleetmod.db'));
    expect(rows.every((t) => t.outcome === null)).toBe(true);
  });
});
