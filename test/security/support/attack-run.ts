/**
 * Runs attacks as real fleetmod jobs through the CLI: every attack is the transformation of its own sample repo,
 * and each is followed in the same run (concurrency 1) by an ordinary repo whose change must still go through.
 * The attack scripts are step files next to the manifest; the step runs the one named after the repo, or makes a
 * harmless change in the ordinary repos. Afterwards the journal, the task logs and the bare repos are read back
 * for the assertions.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { createSampleRepo } from '../../../src/demo/sample-repos.js';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { branchSha, fileAt } from '../../support/git.js';

export const FAKE_PUSH_TOKEN = 'ghp_fleetmodFakePushToken0000000000000000';
export const OTHER_SECRET = 'host-only-secret-value-5f1c2e';
export const JOB_SECRET = 'job-secret-value-a93b77';
export const BRANCH = 'fleetmod/attack-suite';

export interface Attack {
  /** Lower-case id; the attacked repo is called `attack-<name>`. */
  name: string;
  /** Bash script run with `bash -e` in /workspace as the transformation. */
  script: string;
}

export interface AttackRunOptions {
  attacks: Attack[];
  /** Folder for the run (made by the caller when attacks must know host paths in it); made here otherwise. */
  root?: string;
  /** Lines under `sandbox:` (YAML, two-space indented by the caller's choice of keys). */
  sandbox?: Record<string, string>;
  /**
   * The step's timeout. @default 10s: attacks that should finish do so in well under a second, but on a machine busy
   * with the rest of the suite a sandbox and its shell can take seconds to start.
   */
  stepTimeout?: string;
  args?: string[];
}

export interface RepoResult {
  name: string;
  bare: string;
  outcome: string | null;
  errorMessage: string | null;
  log: string;
  /** Whether the change branch was pushed to the bare repo. */
  pushed: boolean;
  file(name: string): Promise<string>;
}

export interface AttackRun {
  root: string;
  dbPath: string;
  code: number;
  stdout: string;
  stderr: string;
  repos: Map<string, RepoResult>;
  attack(name: string): RepoResult;
  /** The ordinary repos, each of which must have been changed and pushed. */
  ordinary: RepoResult[];
  /** Removes the run's folder (call from afterAll). */
  cleanup(): Promise<void>;
}

/** A folder for one attack run; runs happen in beforeAll, where per-test cleanup hooks (tempDir) do not exist. */
export function makeRunRoot(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fleetmod-attack-'));
}

export async function runAttacks(options: AttackRunOptions): Promise<AttackRun> {
  const root = options.root ?? (await makeRunRoot());
  const reposDir = path.join(root, 'repos');
  await mkdir(path.join(root, 'attacks'), { recursive: true });
  const names: string[] = [];
  for (const [i, attack] of options.attacks.entries()) {
    names.push(`attack-${attack.name}`, `ordinary-${String(i + 1).padStart(2, '0')}`);
    await writeFile(path.join(root, 'attacks', `attack-${attack.name}.sh`), `${attack.script}\n`);
  }
  for (const name of names) await createSampleRepo(path.join(reposDir, `${name}.git`), name, { usesOldApi: true, extraFiles: 0, commits: 1 });

  const sandbox = { provider: 'local', timeout: '30s', secrets: '[JOB_SECRET]', ...options.sandbox };
  const job = [
    'name: attack-suite',
    'repos:',
    ...names.map((n) => `  - ${path.join(reposDir, `${n}.git`)}`),
    'sandbox:',
    ...Object.entries(sandbox).map(([k, v]) => `  ${k}: ${v}`),
    'steps:',
    '  - name: transform',
    `    timeout: ${options.stepTimeout ?? '10s'}`,
    '    files:',
    ...options.attacks.map((a) => `      - attacks/attack-${a.name}.sh`),
    '    run: |',
    '      script="$FLEETMOD_FILES/attacks/$FLEETMOD_REPO_NAME.sh"',
    '      if [ -f "$script" ]; then exec bash -e "$script"; fi',
    '      echo "ordinary change" >> README.md',
    'change:',
    `  branch: ${BRANCH}`,
    '  commit:',
    '    message: attack suite change',
    'limits:',
    '  concurrency: 1',
    '  retries: 0',
  ].join('\n');
  await writeFile(path.join(root, 'job.yaml'), `${job}\n`);

  const io = captureIo(root, testEnv({ GITHUB_TOKEN: FAKE_PUSH_TOKEN, OTHER_SECRET, JOB_SECRET }));
  const code = await cli(io, 'run', ...(options.args ?? []), 'job.yaml');

  const dbPath = path.join(root, '.fleetmod', 'fleetmod.db');
  const db = new Database(dbPath, { readonly: true });
  // Each repo's log as the journal keeps it (a failed repo's file has the same text).
  const rows = db
    .prepare(`SELECT repo_key, outcome, error_message, log_path,
        (SELECT group_concat(text, '') FROM (SELECT text FROM task_logs l WHERE l.task_id = t.id ORDER BY l.id)) AS log
      FROM tasks t ORDER BY position`)
    .all() as {
    repo_key: string;
    outcome: string | null;
    error_message: string | null;
    log_path: string | null;
    log: string | null;
  }[];
  db.close();
  const repos = new Map<string, RepoResult>();
  for (const name of names) {
    const row = rows.find((r) => r.repo_key.endsWith(`/${name}.git`));
    const bare = path.join(reposDir, `${name}.git`);
    repos.set(name, {
      name,
      bare,
      outcome: row?.outcome ?? null,
      errorMessage: row?.error_message ?? null,
      log: row?.log ?? (row?.log_path ? await readFile(row.log_path, 'utf8').catch(() => '') : ''),
      pushed: (await branchSha(bare, BRANCH)) !== null,
      file: (file) => fileAt(bare, BRANCH, file),
    });
  }
  const get = (name: string) => {
    const repo = repos.get(name);
    if (!repo) throw new Error(`no repo ${name}`);
    return repo;
  };
  return {
    root,
    dbPath,
    code,
    stdout: io.out(),
    stderr: io.err(),
    repos,
    attack: (name) => get(`attack-${name}`),
    ordinary: names.filter((n) => n.startsWith('ordinary-')).map(get),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The assertion every run ends with: each ordinary repo got its change, as if no attack had happened before it. */
export async function expectOrdinaryReposChanged(run: AttackRun): Promise<void> {
  for (const repo of run.ordinary) {
    expect(repo.outcome, `${repo.name}: ${repo.errorMessage}`).toBe('pushed');
    expect(await repo.file('README.md'), repo.name).toContain('ordinary change');
  }
}
