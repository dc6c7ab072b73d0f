/**
 * `fleetmod plan` and `planJob`: repositories resolved (file lists, GitHub selectors through a resolver written
 * here against the GithubSelectorResolver port), skips and exclusions with reasons, earlier results read from a
 * real SQLite journal without changing it, and the pull-request time estimate.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GithubSelector } from '../../src/manifest/job.js';
import { loadManifest } from '../../src/manifest/load.js';
import { resolveRepos, type GithubRepoListing, type GithubSelectorResolver } from '../../src/manifest/repos.js';
import { planJob } from '../../src/plan/plan.js';
import { renderPlan } from '../../src/plan/render-plan.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import type { RunStatus, RunStore } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { forgeWithBot, TOKEN } from '../support/forge/fixtures.js';
import { writeForgeJob } from '../support/forge/job.js';
import { tempDir } from '../support/temp.js';

const CREATED_AT = Date.UTC(2030, 0, 2, 3, 4, 5);
const EMPTY_SHA256 = createHash('sha256').digest('hex');

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** Lists fixed repositories per org, like the GitHub code host would; records what it was asked. */
function listingResolver(byOrg: Record<string, GithubRepoListing[]>): GithubSelectorResolver & { asked: GithubSelector[] } {
  const asked: GithubSelector[] = [];
  return {
    asked,
    async resolve(selector) {
      asked.push(selector);
      return byOrg[selector.org ?? selector.user ?? ''] ?? [];
    },
  };
}

async function journal(dir: string): Promise<RunStore> {
  const db = openDb(path.join(dir, '.fleetmod', 'fleetmod.db'));
  migrate(db);
  return createSqliteRunStore(db, { redactor: createRedactor(), now: () => CREATED_AT });
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    files[name] = createHash('sha256').update(await readFile(path.join(dir, name))).digest('hex');
  }
  return files;
}

const SELECTOR_JOB = lines(
  'name: org-upgrade',
  'repos:',
  '  - acme/api',
  '  - github:',
  '      org: acme',
  '      topics: [backend]',
  '      include: ["acme/*"]',
  '      exclude: ["*-legacy"]',
  '      limit: 3',
  '  - file: more.txt',
  'steps:',
  '  - run: "true"',
  'change:',
  '  branch: fleetmod/upgrade',
  '  commit: {message: Upgrade}',
  '  pr: {title: Upgrade}',
  'limits:',
  '  pr-rate: 2/hour',
);

describe('planJob with GitHub selectors', () => {
  it('filters what the resolver lists (archived, forks, topics, globs, limit), removes duplicates, estimates PRs', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), SELECTOR_JOB);
    await writeFile(path.join(dir, 'more.txt'), 'acme/jobs\nacme/extra # hand-picked\n');
    const loaded = await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml');
    const job = loaded.job!;
    const github = listingResolver({
      acme: [
        { owner: 'acme', name: 'api', topics: ['backend'] },
        { owner: 'acme', name: 'web', topics: ['frontend'] },
        { owner: 'acme', name: 'old', topics: ['backend'], archived: true },
        { owner: 'acme', name: 'copy', topics: ['backend'], fork: true },
        { owner: 'acme', name: 'billing-legacy', topics: ['backend'] },
        { owner: 'acme', name: 'jobs', topics: ['backend'] },
        { owner: 'acme', name: 'auth', topics: ['backend'] },
        { owner: 'acme', name: 'search', topics: ['backend'] },
      ],
    });

    const resolved = await resolveRepos(job, { env: {}, github });
    const plan = planJob({ job, resolved });

    expect(github.asked).toEqual([
      { org: 'acme', topics: ['backend'], include: ['acme/*'], exclude: ['*-legacy'], archived: false, forks: false, limit: 3 },
    ]);
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api', 'acme/jobs', 'acme/auth', 'acme/extra']);
    expect(plan.repos.excluded.map((e) => [e.display, e.reason])).toEqual([
      ['acme/web', 'no topic backend'],
      ['acme/old', 'archived (archived: false)'],
      ['acme/copy', 'a fork (forks: false)'],
      ['acme/billing-legacy', 'matched by exclude *-legacy'],
      ['acme/search', 'beyond limit 3'],
      ['acme/api', 'duplicate of job.yaml:3:5'],
      ['acme/jobs', 'duplicate of job.yaml:4:5'],
    ]);
    expect(resolved.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`)).toEqual([
      'job.yaml:4:5: duplicate repository acme/api (also listed at job.yaml:3:5); it runs once',
      'more.txt:1:1: duplicate repository acme/jobs (also listed at job.yaml:4:5); it runs once',
    ]);
    // One write per PR (no labels or reviewers): two creations per sliding hour, 3 s apart.
    expect(plan.pullRequests).toMatchObject({ opens: true, pullRequests: 4, writes: 4, bottleneck: 'pr-rate', durationMs: 3_603_000 });
  });

  it('names the first three repositories two overlapping selectors both list and counts the rest in one warning', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      SELECTOR_JOB.replace(/  - acme\/api\n[\s\S]*  - file: more.txt\n/, '  - github: {org: acme}\n  - github: {org: acme, topics: [backend]}\n'),
    );
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const names = Array.from({ length: 300 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    const github = listingResolver({ acme: names.map((name) => ({ owner: 'acme', name, topics: ['backend'] })) });

    const resolved = await resolveRepos(job, { env: {}, github });

    expect(resolved.repos).toHaveLength(300);
    expect(resolved.excluded).toHaveLength(300);
    expect(resolved.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`)).toEqual([
      'job.yaml:4:5: duplicate repository acme/svc-000 (also listed at job.yaml:3:5); it runs once',
      'job.yaml:4:5: duplicate repository acme/svc-001 (also listed at job.yaml:3:5); it runs once',
      'job.yaml:4:5: duplicate repository acme/svc-002 (also listed at job.yaml:3:5); it runs once',
      'job.yaml:4:5: 297 more repositories listed here are also listed earlier; each runs once (fleetmod plan lists them)',
    ]);
  });

  it('counts what it left out by reason when there is more than it lists one by one', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), SELECTOR_JOB.replace(/  - acme\/api\n[\s\S]*  - file: more.txt\n/, '  - github: {org: acme, limit: 100}\n'));
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const listed: GithubRepoListing[] = Array.from({ length: 300 }, (_, i) => ({
      owner: 'acme',
      name: `svc-${String(i).padStart(3, '0')}`,
      archived: i % 10 === 0,
      fork: i % 10 === 1,
    }));

    const plan = planJob({ job, resolved: await resolveRepos(job, { env: {}, github: listingResolver({ acme: listed }) }) });
    const text = renderPlan(plan);

    expect(plan.repos.excluded).toHaveLength(200);
    expect(text).toContain(
      lines(
        'Left out (200):',
        '  140  beyond limit 100',
        '   30  archived (archived: false)',
        '   30  a fork (forks: false)',
        '  (fleetmod plan --json lists each)',
      ),
    );
  });

  it('warns when a selector keeps nothing and fails with the resolver error', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), SELECTOR_JOB.replace('  - file: more.txt\n', ''));
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const failing: GithubSelectorResolver = {
      resolve: async () => {
        throw new Error('GitHub answered 404 for org acme');
      },
    };

    const empty = await resolveRepos(job, { env: {}, github: listingResolver({ acme: [{ owner: 'acme', name: 'web' }] }) });
    const nothingListed = await resolveRepos(job, { env: {}, github: listingResolver({}) });
    const failed = await resolveRepos(job, { env: {}, github: failing });

    expect(empty.warnings.map((w) => w.message)).toEqual(['this github selector matches no repository (1 listed, all filtered out)']);
    expect(nothingListed.warnings.map((w) => w.message)).toEqual(['this github selector matches no repository (GitHub listed none for it)']);
    expect(failed.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual(['4:5: github selector failed: GitHub answered 404 for org acme']);
  });
});

describe('fleetmod plan against the local forge (fake GitHub)', () => {
  it('resolves an org selector through the GitHub code host, filters it, and only reads from GitHub', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'api', topics: ['node'] });
    await forge.createRepo({ owner: 'acme', name: 'web', topics: ['node'] });
    await forge.createRepo({ owner: 'acme', name: 'docs', topics: ['docs'] });
    await forge.createRepo({ owner: 'acme', name: 'legacy', topics: ['node'], archived: true });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: [], pr: { title: 'Rename' } });
    const job = (await readFile(path.join(dir, 'job.yaml'), 'utf8')).replace(
      '"repos": []',
      '"repos": [{"github": {"org": "acme", "topics": ["node"], "exclude": ["web"]}}, "acme/docs"]',
    );
    await writeFile(path.join(dir, 'job.yaml'), job);
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN }));

    const code = await cli(io, 'plan', '--json', 'job.yaml');

    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(io.out()) as ReturnType<typeof planJob>;
    expect(plan.repos.run.map((r) => [r.display, r.kind])).toEqual([
      ['acme/api', 'github'],
      ['acme/docs', 'github'],
    ]);
    expect(plan.repos.excluded.map((e) => [e.display, e.reason])).toEqual([
      ['acme/legacy', 'archived (archived: false)'],
      ['acme/web', 'matched by exclude web'],
    ]);
    expect(plan.pullRequests).toMatchObject({ opens: true, pullRequests: 2 });
    expect(forge.monitor.writes()).toEqual([]);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('leaves out a disabled repository an org lists: nothing can be done to it, so it is neither run nor counted as a PR', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'api' });
    await forge.createRepo({ owner: 'acme', name: 'frozen', disabled: true });
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: [], pr: { title: 'Rename' } });
    const job = (await readFile(path.join(dir, 'job.yaml'), 'utf8')).replace('"repos": []', '"repos": [{"github": {"org": "acme"}}]');
    await writeFile(path.join(dir, 'job.yaml'), job);
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN }));

    const code = await cli(io, 'plan', '--json', 'job.yaml');

    expect(code).toBe(0);
    const plan = JSON.parse(io.out()) as ReturnType<typeof planJob>;
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api']);
    expect(plan.repos.excluded.map((e) => [e.display, e.reason])).toEqual([['acme/frozen', 'disabled on GitHub']]);
    expect(plan.pullRequests).toMatchObject({ opens: true, pullRequests: 1 });
  });

  it('includes forks with forks: true also when the selector is a search (GitHub search leaves forks out unless asked)', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'api', topics: ['node'] });
    const fork = await forge.createRepo({ owner: 'acme', name: 'patched-lib', topics: ['node'] });
    fork.parent = 'upstream/lib';
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: [], pr: { title: 'Rename' } });
    const job = (await readFile(path.join(dir, 'job.yaml'), 'utf8')).replace(
      '"repos": []',
      '"repos": [{"github": {"topics": ["node"], "forks": true}}, {"github": {"search": "lib org:acme", "forks": true}}]',
    );
    await writeFile(path.join(dir, 'job.yaml'), job);
    const io = captureIo(dir, testEnv({ GITHUB_TOKEN: TOKEN }));

    const code = await cli(io, 'plan', '--json', 'job.yaml');

    expect(code).toBe(0);
    const plan = JSON.parse(io.out()) as ReturnType<typeof planJob>;
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api', 'acme/patched-lib']);
    expect(plan.repos.excluded.map((e) => [e.display, e.reason])).toEqual([['acme/patched-lib', 'duplicate of job.yaml:3:13']]);
    expect(forge.monitor.violations).toEqual([]);
  });
});

/**
 * A folder with `manifest` as job.yaml and a journal holding run-1 of it: its first repository finished with
 * `result`, the others pending, the run left with `status`.
 */
async function runWithOneResult(
  manifest: string,
  result: Parameters<RunStore['finishTask']>[1],
  status: [RunStatus, string],
): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'job.yaml'), manifest);
  const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
  const store = await journal(dir);
  store.createRun({ id: 'run-1', jobName: 'lint', manifestPath: job.file, manifestHash: job.hash, jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
  store.addTasks('run-1', (await resolveRepos(job, { env: {} })).repos);
  const [first] = store.listTasks('run-1');
  store.startTask(first!.id);
  store.finishTask(first!.id, result);
  store.setRunStatus('run-1', ...status);
  store.close();
  return dir;
}

describe('fleetmod plan', () => {
  const JOB = lines(
    'name: lint',
    'repos:',
    '  - acme/api',
    '  - acme/web',
    '  - repo: acme/docs',
    '    skip: true',
    '    skip-reason: docs are frozen',
    '  - https://git.example.com/tools/cli.git',
    'steps:',
    '  - run: "true"',
    'change:',
    '  branch: fleetmod/lint',
    '  commit: {message: Lint}',
    '  pr: {title: Lint}',
    'limits:',
    '  window: "22:00-06:00"',
  );

  it('prints repositories, skips, no history, and the PR estimate; creates no journal', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), JOB);
    const io = captureIo(dir);

    const code = await cli(io, 'plan', 'job.yaml');

    expect(code).toBe(0);
    expect(io.out()).toBe(
      lines(
        'Plan for job lint (job.yaml), sandbox local',
        '',
        'Repositories: 4 (3 to run, 1 skipped)',
        '',
        'Skipped (1):',
        '  acme/docs  docs are frozen',
        '',
        'Earlier runs: none of this job in the journal',
        '',
        'Pull requests: up to 2 new pull requests (repositories with a change), 2 content-creating GitHub writes (create per PR)',
        '  1 repository is not on GitHub: pushed as branches, without a PR',
        '  estimated PR-creation time: 3.0s (at most 400 PRs/hour, set by limits.github-writes-per-hour)',
        '',
        'Window: repositories start only 22:00–06:00 (8h a day)',
      ),
    );
    expect(io.err()).toBe('');
    expect(existsSync(path.join(dir, '.fleetmod'))).toBe(false);
  });

  it('says what limits.canary and limits.max-failures will do', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'a.git'));
    const job = (limits: string) => lines('name: careful', 'repos: [./a.git]', 'steps: [{run: "true"}]', 'change: {branch: b, commit: {message: m}}', `limits: ${limits}`);
    await writeFile(path.join(dir, 'one.yaml'), job('{canary: 1}'));
    await writeFile(path.join(dir, 'both.yaml'), job('{canary: 10, max-failures: 25}'));
    const one = captureIo(dir);
    const both = captureIo(dir);

    expect(await cli(one, 'plan', 'one.yaml')).toBe(0);
    expect(await cli(both, 'plan', 'both.yaml')).toBe(0);

    expect(one.out()).toContain('\nCanary: the first repository goes alone; if one fails, the run pauses before the others start (a run resumed after the canary was over has none; one stopped before that runs the rest of it first)\n');
    expect(one.out()).not.toContain('Brake:');
    expect(both.out()).toContain(
      lines(
        'Canary: the first 10 repositories go alone; if one fails, the run pauses before the others start (a run resumed after the canary was over has none; one stopped before that runs the rest of it first)',
        'Brake: the run pauses once 25 repositories have failed',
      ),
    );
  });

  it('for a run the canary paused: says why it paused, that resuming it runs no canary, and that the brake counts anew', async () => {
    const dir = await runWithOneResult(
      `${JOB}  canary: 2\n  max-failures: 3\n`,
      { outcome: 'failed', errorClass: 'permanent', errorMessage: 'step "step-1" exited with code 1' },
      ['paused', 'the canary failed: a repository of the first 2 failed'],
    );
    const io = captureIo(dir);

    expect(await cli(io, 'plan', 'job.yaml'), io.err()).toBe(0);

    expect(io.out()).toContain(
      lines(
        'Earlier run: run-1 (paused, 2030-01-02 03:04 UTC; same manifest; fleetmod run resumes it)',
        '  it paused: the canary failed: a repository of the first 2 failed',
        '  1 of these repositories has a result there: 1 failed',
      ),
    );
    expect(io.out()).toContain(
      lines(
        'Canary: none — fleetmod run resumes run run-1, whose canary is over (it finished 2 repositories, or one of them failed)',
        'Brake: the run pauses once 3 more repositories have failed (a resumed run counts from zero)',
      ),
    );
  });

  it('for a run stopped before its canary was over: says how much of the canary is left to go first', async () => {
    const dir = await runWithOneResult(`${JOB}  canary: 3\n`, { outcome: 'pushed' }, ['interrupted', 'stopped by user']);
    const io = captureIo(dir);

    expect(await cli(io, 'plan', 'job.yaml'), io.err()).toBe(0);

    expect(io.out()).toContain(
      'Canary: fleetmod run resumes run run-1, stopped before its canary was over: the 2 repositories left of the first 3 go alone first; if one fails, the run pauses\n',
    );
  });

  it('shows which repositories are done in the run that would be resumed, reading the journal without changing it', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), JOB);
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const resolved = await resolveRepos(job, { env: {} });
    const store = await journal(dir);
    store.createRun({ id: 'run-1', jobName: 'lint', manifestPath: job.file, manifestHash: job.hash, jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
    store.addTasks('run-1', resolved.repos);
    const [api, web] = store.listTasks('run-1');
    store.startTask(api!.id);
    store.updateTask(api!.id, { prUrl: 'https://github.com/acme/api/pull/7', prNumber: 7 });
    store.finishTask(api!.id, { outcome: 'pr-opened' });
    store.startTask(web!.id);
    store.finishTask(web!.id, { outcome: 'failed', errorClass: 'permanent', errorMessage: 'step "step-1" exited with code 1' });
    store.setRunStatus('run-1', 'interrupted', 'stopped by user');
    store.close();
    const before = await snapshot(path.join(dir, '.fleetmod'));
    const io = captureIo(dir);

    const code = await cli(io, 'plan', 'job.yaml');

    expect(code).toBe(0);
    expect(io.out()).toContain(
      lines(
        'Repositories: 4 (1 to run, 1 skipped, 2 already done)',
        '',
        'Skipped (1):',
        '  acme/docs  docs are frozen',
        'Not run again (2):',
        '  acme/api  done in run run-1 (pr-opened)',
        '  acme/web  done in run run-1 (failed)',
        '',
        'Earlier run: run-1 (interrupted, 2030-01-02 03:04 UTC; same manifest; fleetmod run resumes it)',
        '  2 of these repositories have a result there: 1 pr-opened, 1 failed',
        '',
        'Pull requests: up to 0 new pull requests (repositories with a change), 0 content-creating GitHub writes (create per PR)',
        '  1 repository is not on GitHub: pushed as branches, without a PR',
      ),
    );
    // The database file is byte for byte the same. A reader of a WAL database may leave SQLite's shared-memory
    // index (-shm) and an empty -wal behind; that is how any reader works and holds no data.
    const after = await snapshot(path.join(dir, '.fleetmod'));
    expect(after['fleetmod.db']).toBe(before['fleetmod.db']);
    expect(Object.keys(after).filter((f) => !['fleetmod.db', 'fleetmod.db-shm', 'fleetmod.db-wal'].includes(f))).toEqual([]);
    if (after['fleetmod.db-wal']) expect(after['fleetmod.db-wal']).toBe(EMPTY_SHA256);
  });

  it('says who works on a run another process is running (run refuses it), and calls a dead one crashed', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), JOB);
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const db = openDb(path.join(dir, '.fleetmod', 'fleetmod.db'));
    migrate(db);
    const store = createSqliteRunStore(db, { redactor: createRedactor(), now: () => Date.now() });
    store.createRun({ id: 'run-1', jobName: 'lint', manifestPath: job.file, manifestHash: job.hash, jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
    store.addTasks('run-1', (await resolveRepos(job, { env: {} })).repos);
    store.heartbeat('run-1', { pid: 4242, host: 'build-box-2' });
    const live = captureIo(dir);
    await cli(live, 'plan', 'job.yaml');
    const json = captureIo(dir);
    await cli(json, 'plan', '--json', 'job.yaml');
    db.prepare('UPDATE runs SET heartbeat_at = ?').run(Date.now() - 3_600_000);
    store.close();
    const crashed = captureIo(dir);

    await cli(crashed, 'plan', 'job.yaml');

    expect(live.out()).toMatch(/^Earlier run: run-1 \(running, [^;]+; being worked on by process 4242 on build-box-2; fleetmod run refuses it until that process ends\)$/m);
    expect(live.out()).not.toContain('resumes it');
    expect((JSON.parse(json.out()) as ReturnType<typeof planJob>).history).toMatchObject({ crashed: false, owner: { pid: 4242, host: 'build-box-2' } });
    expect(crashed.out()).toMatch(/^Earlier run: run-1 \(crashed, [^;]+; same manifest; fleetmod run resumes it\)$/m);
  });

  it('lists earlier results when the manifest changed (a new run would start), and prints JSON', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'job.yaml'), JOB);
    const job = (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
    const store = await journal(dir);
    store.createRun({ id: 'run-0', jobName: 'lint', manifestPath: job.file, manifestHash: 'an-older-manifest', jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
    store.addTasks('run-0', (await resolveRepos(job, { env: {} })).repos.slice(0, 1));
    const [api] = store.listTasks('run-0');
    store.startTask(api!.id);
    store.updateTask(api!.id, { prUrl: 'https://github.com/acme/api/pull/7', prNumber: 7 });
    store.finishTask(api!.id, { outcome: 'pr-opened' });
    store.close();
    const text = captureIo(dir);
    const json = captureIo(dir);

    await cli(text, 'plan', 'job.yaml');
    await cli(json, 'plan', '--json', 'job.yaml');

    expect(text.out()).toContain(
      lines(
        // Marked running without a heartbeat: its process is gone, as `runs` and `report` say.
        'Earlier run: run-0 (crashed, 2030-01-02 03:04 UTC; an earlier version of the manifest; fleetmod run starts a new run)',
        '  1 of these repositories has a result there: 1 pr-opened',
        '  acme/api  pr-opened https://github.com/acme/api/pull/7',
        '',
        'Pull requests: up to 1 new pull request (repositories with a change), 1 content-creating GitHub write (create per PR)',
        // Without a token plan cannot read the PR: it says the state is the journal's.
        '  1 repository has an open PR from the earlier run (as the journal has it: without GitHub access plan cannot see a PR closed or merged since): updated, not opened again',
      ),
    );
    // on-existing: recreate closes that PR and opens another: it counts as a new one.
    await writeFile(path.join(dir, 'job.yaml'), JOB.replace("  pr: {title: Lint}", "  pr: {title: Lint}\n  on-existing: recreate"));
    const recreate = captureIo(dir);
    await cli(recreate, 'plan', 'job.yaml');
    expect(recreate.out()).toContain(
      lines(
        'Pull requests: up to 2 new pull requests (repositories with a change), 2 content-creating GitHub writes (create per PR)',
        '  1 repository has an open PR from the earlier run (as the journal has it: without GitHub access plan cannot see a PR closed or merged since): closed and opened again (on-existing: recreate), counted above',
      ),
    );
    const plan = JSON.parse(json.out()) as ReturnType<typeof planJob>;
    expect(plan.repos.run.map((r) => [r.display, r.previous?.outcome ?? null])).toEqual([
      ['acme/api', 'pr-opened'],
      ['acme/web', null],
      ['git.example.com/tools/cli', null],
    ]);
    expect(plan.history).toMatchObject({ runId: 'run-0', resumes: false, sameManifest: false, withResult: 1 });
    expect(plan.schedule.window).toEqual({ start: '22:00', end: '06:00', lengthMs: 8 * 3_600_000 });
  });

  it('adds the candidates and the E2B sandbox-hours and cost for the repositories that run', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      lines(
        'name: agents',
        'repos: [acme/api, acme/web, {repo: acme/docs, skip: true}]',
        'sandbox:',
        '  provider: e2b',
        '  timeout: 20m',
        '  e2b: {vcpu: 4, memory-mb: 8192, expected-duration: 6m}',
        'steps: [{run: "true"}]',
        'candidates: 3',
        'select: smallest-diff',
        'change: {branch: b, commit: {message: m}}',
        'limits: {concurrency: 1, sandboxes: 4, retries: 1}',
      ),
    );
    const io = captureIo(dir);
    const json = captureIo(dir);

    expect(await cli(io, 'plan', 'job.yaml')).toBe(0);
    expect(await cli(json, 'plan', '--json', 'job.yaml')).toBe(0);

    // 2 repos × 3 candidates = 6 sandboxes of 6 minutes at 4 × $0.000014 + 8 × $0.0000045 = $0.000092 per second
    // ($0.3312 per hour): 0.6 sandbox-hours ≈ $0.1987 expected; at most 6 × 25m lifetime × 2 attempts = 5 hours.
    // One repo at a time holds its 3 sandboxes (of the 4 allowed): 2 waves of 6 minutes.
    expect(io.out()).toContain(
      lines(
        'Candidates: 3 per repository (candidate-1, candidate-2, candidate-3), select: smallest-diff; each runs in its own sandbox',
        '  6 sandboxes for 2 repositories, at most 3 at once (the lower of limits.sandboxes 4 and limits.concurrency 1 × 3 candidates)',
        '  sandbox time: 3 × 6m = 18m per repository, 36m in all; wall clock at least 12m',
        '',
        'E2B: 6 sandboxes (3 per repo), 4 vCPU / 8192 MiB each at $0.3312 per sandbox-hour',
        '  expected  0.60 sandbox-hours ≈ $0.1987  (6m per sandbox)',
        '  at most   5.00 sandbox-hours ≈ $1.66  (every sandbox using its whole lifetime on every attempt)',
        '  wall clock at least 12m  (3 sandboxes at once)',
      ),
    );
    const plan = JSON.parse(json.out()) as ReturnType<typeof planJob>;
    expect(plan.candidates).toMatchObject({ perRepo: 3, sandboxes: 6, atOnce: 3, expected: { perSandboxMs: 360_000, perRepoMs: 1_080_000, totalMs: 2_160_000, minWallClockMs: 720_000 } });
    expect(plan.e2b?.estimate).toMatchObject({ sandboxes: 6, atOnce: 3, minWallClockMs: 720_000 });
  });

  it('with the local provider too, says what the candidates take: sandboxes per repo, at once, and time when the sandbox duration is given', async () => {
    const dir = await tempDir();
    const job = (extra: string[]) =>
      lines(
        'name: agents-local',
        'repos: [./a.git, ./b.git, ./c.git, ./d.git, ./e.git]',
        ...extra,
        'steps: [{run: "true"}]',
        'candidates: [{name: careful}, {name: quick}]',
        'change: {branch: b, commit: {message: m}}',
        'limits: {concurrency: 3, sandboxes: 4}',
      );
    for (const name of ['a', 'b', 'c', 'd', 'e']) await mkdir(path.join(dir, `${name}.git`));
    await writeFile(path.join(dir, 'timed.yaml'), job(['sandbox: {e2b: {expected-duration: 4m}}']));
    await writeFile(path.join(dir, 'untimed.yaml'), job([]));
    const timed = captureIo(dir);
    const untimed = captureIo(dir);

    expect(await cli(timed, 'plan', 'timed.yaml')).toBe(0);
    expect(await cli(untimed, 'plan', 'untimed.yaml')).toBe(0);

    // 5 repos × 2 = 10 sandboxes; 3 repos at once would hold 6, the limit is 4: 3 waves of 4 minutes.
    expect(timed.out()).toContain(
      lines(
        'Candidates: 2 per repository (careful, quick), select: first-passing; each runs in its own sandbox',
        '  10 sandboxes for 5 repositories, at most 4 at once (the lower of limits.sandboxes 4 and limits.concurrency 3 × 2 candidates)',
        '  sandbox time: 2 × 4m = 8m per repository, 40m in all; wall clock at least 12m',
      ),
    );
    expect(timed.out()).not.toContain('E2B:');
    // expected-duration alone is no E2B-only setting: it feeds this estimate with any provider.
    expect(timed.err()).toBe('');
    expect(untimed.out()).toContain(
      '  sandbox time: 2 × what one repository takes alone (set sandbox.e2b.expected-duration, the time of one sandbox, for an estimate)\n',
    );
  });

  it('exits 2 for an invalid manifest and for a GitHub selector it cannot resolve', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.yaml'), 'name: x\nrepos: []\nsteps: [{run: "true"}]\nchange: {branch: b, commit: {message: m}}\n');
    await writeFile(path.join(dir, 'org.yaml'), SELECTOR_JOB.replace('  - file: more.txt\n', ''));
    const bad = captureIo(dir);
    const org = captureIo(dir);

    expect(await cli(bad, 'plan', 'bad.yaml')).toBe(2);
    expect(await cli(org, 'plan', 'org.yaml')).toBe(2);

    expect(bad.err()).toBe('bad.yaml:2:8: repos: must list at least one repository\n');
    expect(org.err()).toBe(
      'org.yaml:4:5: a github: selector needs GitHub access: set GITHUB_TOKEN (or GH_TOKEN) so repositories can be listed\n',
    );
    expect(bad.out() + org.out()).toBe('');
  });

  it('run refuses a GitHub selector it cannot resolve before anything runs', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'org.yaml'), SELECTOR_JOB.replace('  - file: more.txt\n', ''));
    const io = captureIo(dir);

    expect(await cli(io, 'run', 'org.yaml')).toBe(2);

    expect(io.err()).toBe('org.yaml:4:5: a github: selector needs GitHub access: set GITHUB_TOKEN (or GH_TOKEN) so repositories can be listed\n');
    expect(existsSync(path.join(dir, '.fleetmod'))).toBe(false);
  });
});
