/**
 * Best of N through the CLI and the scheduler: N candidates per repository, each in its own sandbox, and the one the
 * rule picks is what ships; the report and `show` present them all.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createPlainGitHost } from '../../src/codehost/plain/plain-git-host.js';
import { createSampleRepos, type SampleRepo } from '../../src/demo/sample-repos.js';
import { createHostGit } from '../../src/git/host-git.js';
import { createDirectCheckout } from '../../src/git/mirror-cache.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { noopProgress } from '../../src/progress/types.js';
import { createLocalProvider } from '../../src/sandbox/local/provider.js';
import type { SandboxProvider } from '../../src/sandbox/types.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { branchSha, fileAt, git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

const AGENT = path.resolve(import.meta.dirname, '../fixtures/agent/stand-in-agent.sh');
const KEY = 'agent-key-3f9a1c';

interface Fixture {
  root: string;
  job: string;
  repos: SampleRepo[];
}

async function agentJob(rule: 'first-passing' | 'smallest-diff' | 'score', options: { count?: number; failAll?: boolean } = {}): Promise<Fixture> {
  const root = await tempDir('fleetmod-bestofn-');
  const repos = await createSampleRepos({ dir: path.join(root, 'repos'), count: options.count ?? 6, unchangedEvery: 0 });
  await mkdir(path.join(root, 'jobs'));
  await copyFile(AGENT, path.join(root, 'jobs', 'agent.sh'));
  const manifest = [
    `name: agent-${rule}`,
    'repos:',
    ...repos.map((r) => `  - ../repos/${r.name}.git`),
    'sandbox:',
    '  secrets: [AGENT_API_KEY]',
    `  env: { PROMPT: "rename fetchData to loadData"${options.failAll ? ', FAIL_ALL: "1"' : ''} }`,
    'candidates: 3',
    `select: ${rule}`,
    ...(rule === 'score' ? ['score:', '  run: grep -c "// migrated" src/index.js || true'] : []),
    'steps:',
    '  - name: agent',
    '    files: [agent.sh]',
    '    run: bash "$FLEETMOD_FILES/agent.sh"',
    'verify:',
    '  - "! grep -rn fetchData src"',
    'change:',
    '  branch: fleetmod/agent',
    '  commit:',
    '    message: "Rename via {{ candidate.name }}\\n\\n{{ candidates.table }}"',
    'limits:',
    '  concurrency: 3',
    '  sandboxes: 4',
    '',
  ].join('\n');
  await writeFile(path.join(root, 'jobs', 'agent.yaml'), manifest);
  return { root, job: 'jobs/agent.yaml', repos };
}

function expectedWinner(rule: string, n: number): number {
  if (rule === 'first-passing') return n % 2 === 0 ? 1 : n % 3 !== 0 ? 2 : 3;
  if (rule === 'smallest-diff') return n % 3 !== 0 ? 2 : 3;
  return n % 2 === 0 ? 1 : 3;
}

function candidatesOf(root: string) {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db
      .prepare(`SELECT t.repo_key, c.name, c.status, c.score, c.chosen, c.diff FROM candidates c JOIN tasks t ON t.id = c.task_id ORDER BY t.position, c.position`)
      .all() as { repo_key: string; name: string; status: string; score: number | null; chosen: number; diff: string }[];
  } finally {
    db.close();
  }
}

/** The ended stage events of the steps and verify stages, per repo. */
function stagesOf(root: string) {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db
      .prepare(`SELECT t.repo_key, e.stage, e.state, e.detail FROM stage_events e JOIN tasks t ON t.id = e.task_id
        WHERE e.state != 'started' AND e.stage IN ('steps', 'verify') ORDER BY t.position, e.id`)
      .all() as { repo_key: string; stage: string; state: string; detail: string | null }[];
  } finally {
    db.close();
  }
}

async function cliOut(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(root);
  const code = await cli(io, ...args);
  return { code, out: io.out(), err: io.err() };
}

describe('best of N', () => {
  // Six repositories: every combination of which candidates pass (by the repository's number modulo 2 and 3).
  it.each(['first-passing', 'smallest-diff', 'score'] as const)('6 repos × 3 candidates: %s ships the candidate the rule picks', async (rule) => {
    const fx = await agentJob(rule);
    const io = captureIo(fx.root, testEnv({ AGENT_API_KEY: KEY, FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', fx.job);

    expect(code, io.out() + io.err()).toBe(0);
    const rows = candidatesOf(fx.root);
    for (const [i, repo] of fx.repos.entries()) {
      const n = i + 1;
      const winner = expectedWinner(rule, n);
      const message = await git(repo.path, 'log', '-1', '--format=%B', 'fleetmod/agent');
      expect(message, repo.name).toContain(`Rename via candidate-${winner}`);
      expect(message).toContain('| **candidate-' + winner + '** ✔ | passed |');
      const index = await fileAt(repo.path, 'fleetmod/agent', 'src/index.js');
      expect(index).not.toContain('fetchData');
      const mine = rows.filter((r) => r.repo_key === repo.path);
      expect(mine.map((r) => r.name)).toEqual(['candidate-1', 'candidate-2', 'candidate-3']);
      expect(mine.filter((r) => r.chosen).map((r) => r.name)).toEqual([`candidate-${winner}`]);
      // The committed change is exactly the chosen candidate's diff.
      const chosen = mine.find((r) => r.chosen)!;
      const committed = await git(repo.path, 'diff', '--binary', '--full-index', 'main', 'fleetmod/agent');
      expect(committed.trim()).toBe(chosen.diff.trim());
      if (rule !== 'first-passing') {
        // Without cancellation every candidate ran to the end and its verify result is kept.
        const passes = [n % 2 === 0, n % 3 !== 0, true];
        expect(mine.map((r) => r.status)).toEqual(passes.map((p) => (p ? 'passed' : 'verify-failed')));
      }
      if (rule === 'score') expect(mine.map((r) => r.score)).toEqual([n % 2 === 0 ? 2 : null, n % 3 !== 0 ? 0 : null, 1]);
      // The journal's stages: steps succeeded (a candidate won), then a verify stage saying how many passed.
      const stages = stagesOf(fx.root).filter((e) => e.repo_key === repo.path);
      expect(stages.map((e) => `${e.stage} ${e.state}`)).toEqual(['steps succeeded', 'verify succeeded']);
      if (rule !== 'first-passing') {
        const passed = [n % 2 === 0, n % 3 !== 0, true].filter(Boolean).length;
        expect(stages[1]!.detail).toBe(`${passed} of 3 passed verify${passed < 3 ? ` (${3 - passed} verify failed)` : ''}`);
      } else {
        expect(stages[1]!.detail).toMatch(/^[123] of 3 passed verify/);
      }
    }
    expect(io.out()).not.toContain(KEY);

    // The report and `show` present every candidate of the run they came from, the chosen one marked.
    const report = await cliOut(fx.root, 'report');
    const markdown = await cliOut(fx.root, 'report', '--format', 'markdown');
    const first = fx.repos[0]!;
    const show = await cliOut(fx.root, 'show', 'latest', first.path);
    const chosenRow = rows.find((r) => r.repo_key === first.path && r.chosen)!;
    const loser = rows.find((r) => r.repo_key === first.path && !r.chosen && r.diff !== '')!;
    const loserDiff = await cliOut(fx.root, 'show', 'latest', first.path, '--candidate', loser.name);
    const shipped = await cliOut(fx.root, 'show', 'latest', first.path, '--diff');

    expect(report.out).toMatch(/^Best of N: 18 candidates in 6 repos \(\d+ passed, /m);
    expect(report.out).toContain('Best of N (6 repos):');
    expect(report.out).toMatch(new RegExp(`^ {4}✔ ${chosenRow.name} +passed `, 'm'));
    expect(markdown.out).toContain('### Best of N (6 repos)');
    expect(markdown.out).toContain(`| **${chosenRow.name}** ✔ | passed |`);
    expect(show.out).toContain(`Candidates (best of 3): ${chosenRow.name}: `);
    expect(show.out).toMatch(/verify +succeeded +\S+ +\d of 3 passed verify/);
    expect(loserDiff).toEqual({ code: 0, out: loser.diff, err: '' });
    expect(shipped.out).toBe(chosenRow.diff);
  });

  it('no candidate passes: the repo is verify-failed, nothing is pushed, all candidates are stored', async () => {
    const fx = await agentJob('smallest-diff', { count: 2, failAll: true });
    const io = captureIo(fx.root, testEnv({ AGENT_API_KEY: KEY, FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', fx.job);

    expect(code).toBe(1);
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/agent')).toBeNull();
    const rows = candidatesOf(fx.root);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'verify-failed' && r.chosen === 0 && r.diff.includes('loadData(url)'))).toBe(true);
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const outcomes = db.prepare('SELECT outcome, error_message FROM tasks').all() as { outcome: string; error_message: string }[];
    db.close();
    expect(outcomes.map((o) => o.outcome)).toEqual(['verify-failed', 'verify-failed']);
    expect(outcomes[0]!.error_message).toMatch(/^no candidate passed verify \(candidate-1: verify .*; candidate-2: .*; candidate-3: .*\)/);
    // The steps stage failed with that error, and the verify stage says what the candidates' verify decided.
    const stages = stagesOf(fx.root);
    expect(stages.map((e) => `${e.stage} ${e.state}`)).toEqual(['steps failed', 'verify failed', 'steps failed', 'verify failed']);
    stages.forEach((e, i) => {
      expect(e.detail).toBe(i % 2 === 0 ? outcomes[i / 2]!.error_message : '0 of 3 passed verify (3 verify failed)');
    });

    // The report counts them as failures of those stages and shows the candidates with none chosen.
    const report = await cliOut(fx.root, 'report');
    const json = JSON.parse((await cliOut(fx.root, 'report', '--format', 'json')).out) as { stages: { stage: string; failed: number }[]; candidates: { total: number; chosen: number } };
    expect(report.out).toMatch(/^Best of N: 6 candidates in 2 repos \(6 verify failed\), \S+ of candidate time$/m);
    expect(report.out).toContain(`repos/${fx.repos[0]!.name} — no candidate chosen (0 of 3 passed)`);
    expect(json.stages.filter((s) => s.stage === 'steps' || s.stage === 'verify').map((s) => [s.stage, s.failed])).toEqual([
      ['steps', 2],
      ['verify', 2],
    ]);
    expect(json.candidates).toMatchObject({ total: 6, chosen: 0 });
    const show = await cliOut(fx.root, 'show', 'latest', fx.repos[1]!.path, '--candidate', 'candidate-2');
    expect(show.out).toContain('loadData(url)');
  });

  it('candidate sandboxes respect the sandbox limit and every one is destroyed', async () => {
    // Five repositories at concurrency 3: nine candidates want a sandbox at once, four may have one.
    const fx = await agentJob('smallest-diff', { count: 5 });
    const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
    const env = testEnv();
    const { repos } = await resolveRepos(job, { env });
    const git = createHostGit({ env });
    const local = createLocalProvider({ git, env });
    let alive = 0;
    let peak = 0;
    let created = 0;
    let destroyed = 0;
    const counting: SandboxProvider = {
      ...local,
      async create(request) {
        const sandbox = await local.create(request);
        created += 1;
        alive += 1;
        peak = Math.max(peak, alive);
        let gone = false;
        const destroy = async () => {
          if (!gone) {
            gone = true;
            alive -= 1;
            destroyed += 1;
          }
          await sandbox.destroy();
        };
        return { ...sandbox, destroy, [Symbol.asyncDispose]: destroy };
      },
    };
    const store = openRunStore(path.join(fx.root, 'journal.db'), createRedactor([KEY]));

    const result = await runJob(
      {
        store,
        git,
        checkouts: createDirectCheckout(git),
        sandboxes: counting,
        codeHosts: { forRepo: () => createPlainGitHost(git) },
        limiters: createStageLimiters({ gitPerHost: 4, sandboxes: 4 }),
        progress: noopProgress,
        redactor: createRedactor([KEY]),
        now: Date.now,
      },
      { job, repos, selection: { mode: 'new' }, dryRun: true, stateDir: path.join(fx.root, 'state'), secrets: { AGENT_API_KEY: KEY }, stopSignal: new AbortController().signal, abortSignal: new AbortController().signal },
    );
    store.close();

    expect(result.counts).toEqual({ 'dry-run': 5 });
    expect(created).toBe(15);
    expect(destroyed).toBe(15);
    expect(alive).toBe(0);
    expect(peak).toBe(4);
  });
});
