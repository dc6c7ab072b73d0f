/**
 * Best of N after the candidates ran: the commit made again from the journal (a retry after a rejected push, a new
 * run reusing the result) is the chosen candidate's, and a repository's time counts the candidates' verify once.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSampleRepos, type SampleRepo } from '../../src/demo/sample-repos.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { branchSha, git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

/** Two candidates sharing the step name `edit`: `small` wins (smallest diff), `big` finishes last. */
async function twoCandidateJob(): Promise<{ root: string; job: string; repo: SampleRepo }> {
  const root = await tempDir('fleetmod-bestofn-remade-');
  const [repo] = await createSampleRepos({ dir: path.join(root, 'repos'), count: 1, unchangedEvery: 0 });
  await mkdir(path.join(root, 'jobs'));
  const manifest = [
    'name: pick',
    'repos:',
    `  - ../repos/${repo!.name}.git`,
    'candidates:',
    '  - { name: small, env: { MODE: small } }',
    '  - { name: big, env: { MODE: big } }',
    'select: smallest-diff',
    'steps:',
    '  - name: edit',
    '    run: |',
    '      if [ "$MODE" = big ]; then sleep 1; echo extra >> README.md; fi',
    "      sed -i 's/fetchData/loadData/g' src/*.js",
    '      echo "made by $MODE"',
    'verify:',
    '  - "! grep -rn fetchData src"',
    'change:',
    '  branch: fleetmod/pick',
    '  commit:',
    '    message: "rename ({{ steps.edit.stdout }}) chosen={{ candidate.name }}"',
    'limits:',
    '  retries: 0',
    '',
  ].join('\n');
  await writeFile(path.join(root, 'jobs', 'pick.yaml'), manifest);
  return { root, job: 'jobs/pick.yaml', repo: repo! };
}

function tasksOf(root: string) {
  const db = new Database(path.join(root, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    return db.prepare('SELECT run_id, head_sha, reused_from_run FROM tasks ORDER BY id').all() as { run_id: string; head_sha: string | null; reused_from_run: string | null }[];
  } finally {
    db.close();
  }
}

describe('a commit made again from the journal (best of N)', () => {
  it('after a rejected push, retry makes the same commit: the chosen candidate\'s step output, not the last one to finish', async () => {
    const fx = await twoCandidateJob();
    const hook = path.join(fx.repo.path, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "pushes are closed today" >&2\nexit 1\n', { mode: 0o755 });
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const first = captureIo(fx.root, env);
    expect(await cli(first, 'run', fx.job), first.out() + first.err()).toBe(1);
    const { run_id: runId, head_sha: made } = tasksOf(fx.root)[0]!;
    expect(made).toMatch(/^[0-9a-f]{40}$/);

    await rm(hook);
    const retry = captureIo(fx.root, env);
    expect(await cli(retry, 'retry', runId, '--failed'), retry.out() + retry.err()).toBe(0);

    expect(await git(fx.repo.path, 'log', '-1', '--format=%s', 'fleetmod/pick')).toContain('rename (made by small) chosen=small');
    expect(await branchSha(fx.repo.path, 'fleetmod/pick')).toBe(made);
  });

  it('a new run reusing the result makes the commit of the run that produced it', async () => {
    const fx = await twoCandidateJob();
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    expect(await cli(captureIo(fx.root, env), 'run', fx.job)).toBe(0);
    const made = await branchSha(fx.repo.path, 'fleetmod/pick');
    await git(fx.repo.path, 'branch', '-D', 'fleetmod/pick');

    const again = captureIo(fx.root, env);
    expect(await cli(again, 'run', '--new', fx.job), again.out() + again.err()).toBe(0);

    const [first, second] = tasksOf(fx.root);
    expect(second!.reused_from_run).toBe(first!.run_id);
    expect(await git(fx.repo.path, 'log', '-1', '--format=%s', 'fleetmod/pick')).toContain('rename (made by small) chosen=small');
    expect(await branchSha(fx.repo.path, 'fleetmod/pick')).toBe(made);
  });
});

describe("best of N: a repository's time in the report", () => {
  it('adds up to the time it was worked on: the candidates\' verify inside the steps stage counts once', async () => {
    const root = await tempDir('fleetmod-bestofn-time-');
    const repos = await createSampleRepos({ dir: path.join(root, 'repos'), count: 1, unchangedEvery: 0 });
    await mkdir(path.join(root, 'jobs'));
    const manifest = [
      'name: bon-time',
      'repos:',
      ...repos.map((r) => `  - ../repos/${r.name}.git`),
      'candidates: 2',
      'select: smallest-diff',
      'steps:',
      '  - name: rename',
      "    run: sed -i 's/fetchData(/loadData(/g' src/*.js",
      'verify:',
      '  - name: slow-tests',
      '    run: sleep 3',
      'change:',
      '  branch: fleetmod/bon',
      '  commit:',
      '    message: rename',
      '',
    ];
    await writeFile(path.join(root, 'jobs', 'j.yaml'), manifest.join('\n'));
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(root, '.mirrors') });
    const io = captureIo(root, env);
    expect(await cli(io, 'run', 'jobs/j.yaml'), io.out() + io.err()).toBe(0);

    const report = captureIo(root, env);
    await cli(report, 'report', '--format', 'json');
    const repo = (JSON.parse(report.out()) as { repos: { durationMs: number; startedAt: string; finishedAt: string }[] }).repos[0]!;

    expect(repo.durationMs).toBeGreaterThanOrEqual(3_000);
    expect(repo.durationMs).toBeLessThanOrEqual(Date.parse(repo.finishedAt) - Date.parse(repo.startedAt));
  }, 120_000);
});
