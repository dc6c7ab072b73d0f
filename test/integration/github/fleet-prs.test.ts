/**
 * The real CLI against the local forge (GHES layout: github.api-url = http://127.0.0.1:PORT/api/v3): a fleet of
 * PRs opened, kept in sync and closed across re-runs; a plain git remote in the same job; no token anywhere.
 * Pacing is shrunk through FLEETMOD_GITHUB_PACING and the manifest's budget (see test/support/forge/job.ts);
 * pacing itself is proven in pr-safety.test.ts ("write pacing on the wire") and test/unit/codehost/github/pacing.test.ts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { makeSeed, DEFAULT_FILES, startForge } from '../../support/forge/forge.js';
import { FAST_PACING, writeForgeJob } from '../../support/forge/job.js';
import { findSecret } from '../../support/forge/secrets.js';
import { branchSha } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_fleetTestToken00000000000000000000042';
const BRANCH = 'fleetmod/rename-fetch';
const FLEET = 12;
const NO_BUDGET = { 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 };

describe('a fleet of pull requests through the CLI', () => {
  // Three runs over 12 real repositories, twice the concurrency: enough for every PR to be opened, updated and closed
  // while others are in flight. (Scale itself is benchmark 1's and scale-e2b.test.ts's.)
  it('opens 12 PRs, updates all 12 when the PR body changes, and closes them when a re-run has no diff', { timeout: 180_000 }, async () => {
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    forge.state.addUser('alice');
    forge.state.addUser('bob');
    forge.state.orgs.set('acme', new Set(['platform']));
    const names = Array.from({ length: FLEET }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
    await Promise.all(names.map((name) => forge.createRepo({ owner: 'acme', name })));
    const dir = await tempDir();
    const plain = path.join(dir, 'plain', 'tool.git');
    await makeSeed(plain, DEFAULT_FILES, 'main', false);
    const repos = [...names.map((n) => `acme/${n}`), './plain/tool.git'];
    const pr = {
      title: 'Rename fetchData() in {{ repo.name }}',
      body: 'v1: {{ repo.key }} uses loadData() now.',
      labels: ['fleetmod', 'refactor'],
      reviewers: ['alice'],
      'team-reviewers': ['platform'],
      assignees: ['bob'],
    };
    const common = { repos, limits: { concurrency: 6, ...NO_BUDGET }, change: { 'close-stale': true } };
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });

    await writeForgeJob(dir, 'v1.yaml', forge, { ...common, pr });
    const first = captureIo(dir, env);
    expect(await cli(first, 'run', 'v1.yaml'), first.out() + first.err()).toBe(0);

    expect(first.out()).toMatch(/changed, PR opened\/updated\s+12\s+\(12 opened, 0 updated\)/);
    expect(first.out()).toMatch(/changed, no PR\s+1\s+\(1 pushed/);
    const pulls = forge.pulls();
    expect(pulls).toHaveLength(FLEET);
    for (const name of names) {
      expect(forge.pulls(`acme/${name}`), name).toMatchObject([
        {
          state: 'open',
          title: `Rename fetchData() in ${name}`,
          body: `v1: acme/${name} uses loadData() now.`,
          headRef: BRANCH,
          base: 'main',
          labels: ['fleetmod', 'refactor'],
          requestedReviewers: ['alice'],
          requestedTeams: ['platform'],
          assignees: ['bob'],
          author: 'fleetmod-bot',
        },
      ]);
    }
    // The plain git remote got its branch and nothing else.
    expect(await branchSha(plain, BRANCH)).not.toBeNull();
    expect(forge.monitor.calls.some((c) => c.path.includes('tool'))).toBe(false);

    await writeForgeJob(dir, 'v2.yaml', forge, { ...common, pr: { ...pr, body: 'v2: {{ repo.key }} calls loadData().' } });
    const second = captureIo(dir, env);
    expect(await cli(second, 'run', 'v2.yaml'), second.out() + second.err()).toBe(0);

    expect(second.out()).toMatch(/changed, PR opened\/updated\s+12\s+\(0 opened, 12 updated\)/);
    // The steps did not change and no base moved: every repo took the first run's result, and only the PRs changed.
    expect(second.out()).toMatch(/Reused: 13 repos reused the result of run \S+ \(same transformation, same base commit\)/);
    expect(forge.pulls()).toHaveLength(FLEET);
    expect(forge.pulls().every((p) => p.state === 'open' && p.body === `v2: ${p.repo} calls loadData().`)).toBe(true);
    expect(forge.monitor.calls.filter((c) => c.method === 'POST' && c.operation === 'POST /repos/{owner}/{repo}/pulls')).toHaveLength(FLEET);
    // Same change, same tree: nothing was pushed again.
    expect(forge.pushes.filter((p) => p.ref === `refs/heads/${BRANCH}`)).toHaveLength(FLEET);

    await writeForgeJob(dir, 'v3.yaml', forge, { ...common, pr: { ...pr, body: 'v2: {{ repo.key }} calls loadData().' }, step: 'true' });
    const third = captureIo(dir, env);
    expect(await cli(third, 'run', 'v3.yaml'), third.out() + third.err()).toBe(0);

    expect(third.out()).toMatch(/unchanged\s+13\s+\(12 stale PRs closed\)/);
    expect(forge.pulls().every((p) => p.state === 'closed' && p.comments.length === 1)).toBe(true);
    expect(forge.monitor.violations).toEqual([]);
    expect(await findSecret(path.join(dir, '.fleetmod'), TOKEN)).toEqual([]);
  });
});
