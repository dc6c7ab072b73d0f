/**
 * `fleetmod plan` counts a repository a `github:` selector brings in as the run will treat it: one the run skips as
 * soon as it reads it on GitHub (archived, kept with `archived: true`; empty) is skipped in the plan too, with the
 * run's reason — told from the selector's listing, and for a listing that may be empty (size 0) from the same read
 * the run makes, never a clone. A repository named one by one has no listing: with GitHub access it gets that read.
 */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import { resolveRepos, type GithubRepoListing } from '../../src/manifest/repos.js';
import { hostSkips } from '../../src/plan/host-skips.js';
import { planJob } from '../../src/plan/plan.js';
import { renderPlan } from '../../src/plan/render-plan.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { startForge } from '../support/forge/forge.js';
import { FAST_PACING, writeForgeJob } from '../support/forge/job.js';
import { BOT_TOKEN, NO_BUDGET } from '../support/forge/one-repo.js';
import { tempDir } from '../support/temp.js';

type Plan = ReturnType<typeof planJob>;

/** The bot, and three repositories in acme: api, old (archived) and blank (empty). */
async function forgeWithApiOldBlank() {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', BOT_TOKEN);
  await forge.createRepo({ owner: 'acme', name: 'api' });
  await forge.createRepo({ owner: 'acme', name: 'old', archived: true });
  await forge.createRepo({ owner: 'acme', name: 'blank', empty: true });
  return forge;
}

/** What the run does with the forge's three repositories: it opens a PR for acme/api and skips the other two. */
const RUN_SKIPS_OLD_AND_BLANK = [
  { repo: 'acme/api', outcome: 'pr-opened', skip_reason: null },
  { repo: 'acme/blank', outcome: 'skipped', skip_reason: 'empty repository (no branches)' },
  { repo: 'acme/old', outcome: 'skipped', skip_reason: 'archived on GitHub (read-only)' },
];

/** A job with these `repos:` lines (YAML), loaded as run and plan load it. */
async function loadJobWithRepos(reposYaml: string) {
  const dir = await tempDir();
  const manifest = `name: plan-skips\nrepos:\n${reposYaml}\nsteps: [{run: "true"}]\nchange: {branch: b, commit: {message: m}, pr: {title: t}}\n`;
  await writeFile(path.join(dir, 'job.yaml'), manifest);
  return (await loadManifest(path.join(dir, 'job.yaml'), 'job.yaml')).job!;
}

/** Runs job.yaml in `dir` (exit 0) and reads each repository's outcome and skip reason from the journal. */
async function runOutcomes(dir: string, env: NodeJS.ProcessEnv): Promise<unknown[]> {
  const run = captureIo(dir, env);
  expect(await cli(run, 'run', 'job.yaml'), run.out() + run.err()).toBe(0);
  const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare('SELECT repo_key AS repo, outcome, skip_reason FROM tasks ORDER BY repo').all();
  } finally {
    db.close();
  }
}

describe('fleetmod plan: repositories the run skips once it reads them on GitHub', () => {
  it('counts archived (archived: true) and empty repositories of a selector as skipped, with the reasons the run then gives', { timeout: 120_000 }, async () => {
    const forge = await forgeWithApiOldBlank();
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: [], limits: NO_BUDGET });
    const manifest = await readFile(path.join(dir, 'job.yaml'), 'utf8');
    await writeFile(path.join(dir, 'job.yaml'), manifest.replace('"repos": []', '"repos": [{"github": {"org": "acme", "archived": true}}]'));
    const env = testEnv({ GITHUB_TOKEN: BOT_TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
    // Plan clones nothing: a fetch of any repository would fail.
    forge.faults.addGit({ service: 'upload-pack', command: 'fetch', answer: { status: 500 } });
    const json = captureIo(dir, env);
    const text = captureIo(dir, env);

    expect(await cli(json, 'plan', '--json', 'job.yaml'), json.err()).toBe(0);
    expect(await cli(text, 'plan', 'job.yaml'), text.err()).toBe(0);

    const plan = JSON.parse(json.out()) as Plan;
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api']);
    expect(plan.repos.skipped.map((r) => [r.display, r.reason])).toEqual([
      ['acme/blank', 'empty repository (no branches)'],
      ['acme/old', 'archived on GitHub (read-only)'],
    ]);
    expect(plan.pullRequests).toMatchObject({ opens: true, pullRequests: 1 });
    expect(text.out()).toContain(
      [
        'Repositories: 3 (1 to run, 2 skipped)',
        '',
        'Skipped (2):',
        '  acme/blank  empty repository (no branches)',
        '  acme/old    archived on GitHub (read-only)',
        '',
      ].join('\n'),
    );
    expect(forge.faults.gitFired).toBe(0);
    expect(forge.monitor.writes()).toEqual([]);
    expect(forge.monitor.violations).toEqual([]);

    // The run does what the plan said.
    forge.faults.clear();
    expect(await runOutcomes(dir, env)).toEqual(RUN_SKIPS_OLD_AND_BLANK);
  });

  it('counts many skipped repositories by reason, reads only those GitHub lists with size 0, and keeps one it cannot read to run', async () => {
    const job = await loadJobWithRepos('  - github: {org: acme, archived: true}');
    const listed: GithubRepoListing[] = [
      ...Array.from({ length: 25 }, (_, i) => ({ owner: 'acme', name: `old-${i}`, archived: true, size: 10 })),
      { owner: 'acme', name: 'api', size: 120 },
      // Pushed to within the hour: GitHub has not measured it yet, git has branches.
      { owner: 'acme', name: 'fresh', size: 0 },
      { owner: 'acme', name: 'blank', size: 0 },
      { owner: 'acme', name: 'flaky', size: 0 },
    ];
    const resolved = await resolveRepos(job, { env: {}, github: { resolve: async () => listed } });
    const inspected: string[] = [];
    const warnings: string[] = [];

    const skips = await hostSkips(resolved, {
      inspect: async (repo) => {
        inspected.push(repo.key);
        if (repo.name === 'flaky') throw new Error('GitHub answered 502');
        return { defaultBranch: repo.name === 'blank' ? null : 'main', pushUrl: repo.url, headOwner: repo.owner, ...(repo.name === 'blank' && { skipReason: 'empty repository (no branches)' }) };
      },
      warn: (message) => warnings.push(message),
      readUnlisted: true,
    });
    const plan = planJob({ job, resolved, hostSkips: skips });

    expect(inspected.sort()).toEqual(['acme/blank', 'acme/flaky', 'acme/fresh']);
    expect(warnings).toEqual(['could not tell whether acme/flaky is empty (GitHub answered 502); it is counted to run']);
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api', 'acme/fresh', 'acme/flaky']);
    expect(renderPlan(plan)).toContain(
      [
        'Repositories: 29 (3 to run, 26 skipped)',
        '',
        'Skipped (26):',
        '  25  archived on GitHub (read-only)',
        '   1  empty repository (no branches)',
        '  (fleetmod plan --json lists each)',
        '',
      ].join('\n'),
    );
  });

  it('reads GitHub repositories named one by one as the run does, with GitHub access only, and skips those the run skips', { timeout: 120_000 }, async () => {
    const forge = await forgeWithApiOldBlank();
    const dir = await tempDir();
    await writeForgeJob(dir, 'job.yaml', forge, { repos: ['acme/api', 'acme/old', 'acme/blank'], limits: NO_BUDGET });
    const env = testEnv({ GITHUB_TOKEN: BOT_TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
    forge.faults.addGit({ service: 'upload-pack', command: 'fetch', answer: { status: 500 } });
    const withAccess = captureIo(dir, env);
    const without = captureIo(dir, testEnv({ FLEETMOD_GITHUB_PACING: FAST_PACING }));

    expect(await cli(withAccess, 'plan', '--json', 'job.yaml'), withAccess.err()).toBe(0);
    const readsWithAccess = forge.monitor.calls.filter((c) => c.method === 'GET' && /^\/repos\/acme\/[^/]+$/.test(c.path)).length;
    expect(await cli(without, 'plan', '--json', 'job.yaml'), without.err()).toBe(0);

    const plan = JSON.parse(withAccess.out()) as Plan;
    expect(plan.repos.run.map((r) => r.display)).toEqual(['acme/api']);
    expect(plan.repos.skipped.map((r) => [r.display, r.reason])).toEqual([
      ['acme/old', 'archived on GitHub (read-only)'],
      ['acme/blank', 'empty repository (no branches)'],
    ]);
    expect(readsWithAccess).toBe(3);
    // Without a token nothing is read: all three are counted to run, as before.
    expect((JSON.parse(without.out()) as Plan).repos.run.map((r) => r.display)).toEqual(['acme/api', 'acme/old', 'acme/blank']);
    expect(forge.monitor.calls.filter((c) => c.method === 'GET' && /^\/repos\/acme\/[^/]+$/.test(c.path))).toHaveLength(3);
    expect(forge.faults.gitFired).toBe(0);
    expect(forge.monitor.writes()).toEqual([]);

    // The run skips the same two, for the same reasons.
    forge.faults.clear();
    expect(await runOutcomes(dir, env)).toEqual(RUN_SKIPS_OLD_AND_BLANK);
  });

  it('a named repository that cannot be read stays to run with a warning; other git hosts are not read', async () => {
    const job = await loadJobWithRepos('  - acme/api\n  - acme/flaky\n  - https://git.example.com/acme/tool.git');
    const resolved = await resolveRepos(job, { env: {} });
    const read = (readUnlisted: boolean) => {
      const inspected: string[] = [];
      const warnings: string[] = [];
      const skips = hostSkips(resolved, {
        inspect: async (repo) => {
          inspected.push(repo.display);
          if (repo.name === 'flaky') throw new Error('GitHub answered 502');
          return { defaultBranch: 'main', pushUrl: repo.url, headOwner: repo.owner };
        },
        warn: (message) => warnings.push(message),
        readUnlisted,
      });
      return skips.then((s) => ({ skips: s, inspected: inspected.sort(), warnings }));
    };

    const withAccess = await read(true);
    const without = await read(false);

    expect(withAccess.inspected).toEqual(['acme/api', 'acme/flaky']);
    expect(withAccess.warnings).toEqual(['could not read acme/flaky on GitHub (GitHub answered 502); it is counted to run']);
    expect(withAccess.skips.size).toBe(0);
    expect(without).toEqual({ skips: new Map(), inspected: [], warnings: [] });
  });
});
