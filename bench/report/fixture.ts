/**
 * A large stored run for the report benchmark, written through the real SQLite store with a fixed clock and a
 * seeded random mix: two runs of one job (yesterday's and today's, so the comparison section has work), outcomes
 * in the proportions a big fleet change shows, PRs in every state, failures with a dozen error signatures, the
 * output of failed steps, and a diff for every changed repository.
 */
import type { Outcome } from '../../src/domain/outcome.js';
import type { RepoRef } from '../../src/domain/repo.js';
import type { Stage } from '../../src/domain/stage.js';
import { openDb } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import type { RunStore, TaskResult } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';

const T0 = Date.UTC(2024, 5, 2, 2, 0, 0);
const DAY = 86_400_000;
const STAGES: [Stage, number][] = [['resolve', 200], ['clone', 1_500], ['sandbox', 400], ['steps', 3_000], ['verify', 2_000], ['diff', 100], ['commit', 300], ['push', 800], ['pr', 600]];

const ERRORS = [
  'git clone failed: fatal: unable to access \'https://github.com/acme/{repo}.git/\': Connection reset by peer',
  'npm ERR! code ERESOLVE: unable to resolve dependency tree for {repo}@1.{n}.0',
  'step build: src/index.ts({n},7): error TS2304: Cannot find name \'loadData\'.',
  'E2B sandbox lost while running a command: sandbox {hex} was killed',
  'push rejected: refs/heads/fleetmod/rename-fetchdata is protected in acme/{repo}',
  'GitHub 422: Validation Failed (head sha {hex} is not a commit)',
  'timed out after {n}s',
  'step test: Expected 200, received 500 at /tmp/tmp-{n}/test/api.test.js:{n}:{n}',
  'verify lint: {n} problems ({n} errors, 0 warnings)',
  'sandbox.disk: the workspace uses {n}.0MiB, more than 512MiB',
  'permission denied to fleetmod-bot for acme/{repo}',
  'yarn install failed: Integrity check failed for "left-pad" (computed integrity doesn\'t match our records)',
];

export interface ReportFixture {
  runId: string;
  repos: number;
}

/** Writes the runs into a new journal at `dbPath`; the current run's id is returned. */
export function writeReportFixture(dbPath: string, migrationsDir: string, repos: number, seed = 42): ReportFixture {
  const db = openDb(dbPath);
  migrate(db, readMigrations(migrationsDir));
  let clock = T0 - DAY;
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), now: () => clock });
  const random = mulberry32(seed);
  const previous = '20240601-020000-aaaa';
  const current = '20240602-020000-bbbb';
  db.transaction(() => {
    for (const [id, start] of [[previous, T0 - DAY], [current, T0]] as const) {
      clock = start;
      writeRun(store, id, start, repos, random, (t) => (clock = t));
    }
  })();
  store.close();
  return { runId: current, repos };
}

function writeRun(store: RunStore, id: string, start: number, count: number, random: () => number, setClock: (t: number) => void): void {
  store.createRun({
    id,
    jobName: 'rename-fetchdata',
    manifestPath: '/srv/jobs/rename-fetchdata.yaml',
    manifestHash: 'abc123',
    jobJson: '{}',
    provider: 'e2b',
    dryRun: false,
    runDir: `/srv/fleetmod/runs/${id}`,
  });
  store.addTasks(id, Array.from({ length: count }, (_, i) => repo(`service-${String(i + 1).padStart(5, '0')}`)));
  const pick = (n: number) => Math.floor(random() * n);
  const fill = (template: string, name: string) =>
    template.replaceAll('{repo}', name).replaceAll('{n}', () => String(1 + pick(400))).replaceAll('{hex}', () => pick(2 ** 30).toString(16).padStart(8, '0'));
  for (const task of store.listTasks(id)) {
    const roll = random();
    const outcome: Outcome =
      roll < 0.45 ? 'pr-opened' : roll < 0.6 ? 'pr-updated' : roll < 0.68 ? 'pushed' : roll < 0.8 ? 'unchanged' : roll < 0.87 ? 'failed' : roll < 0.92 ? 'verify-failed' : roll < 0.97 ? 'skipped' : roll < 0.985 ? 'edited-by-human' : 'pr-closed';
    let t = start + 1_000 + task.position * 700;
    setClock(t);
    store.startTask(task.id);
    store.updateTask(task.id, { logPath: `/srv/fleetmod/runs/${id}/logs/acme__${task.repo.name}.log`, baseBranch: 'main', branch: 'fleetmod/rename-fetchdata', baseSha: hex(random, 40) });
    if (outcome === 'skipped') {
      store.finishTask(task.id, { outcome, skipReason: 'archived repository' });
      continue;
    }
    const failedAt = outcome === 'failed' ? STAGES[pick(8)]?.[0] : outcome === 'verify-failed' ? 'verify' : undefined;
    for (const [stage, ms] of STAGES) {
      if ((stage === 'push' || stage === 'pr' || stage === 'commit') && (outcome === 'unchanged' || outcome === 'verify-failed')) break;
      if (stage === 'pr' && outcome === 'pushed') break;
      const took = Math.round(ms * (0.3 + random() * 2));
      setClock(t);
      store.recordStage(task.id, stage, 'started');
      t += took;
      setClock(t);
      const failed = stage === failedAt;
      store.recordStage(task.id, stage, failed ? 'failed' : 'succeeded', took, failed ? 'failed' : null);
      if (stage === 'steps' || stage === 'verify') {
        const bad = failed && (stage === 'verify' || outcome === 'failed');
        store.addStepResult({
          taskId: task.id,
          attempt: 1,
          candidate: 'default',
          kind: stage === 'steps' ? 'step' : 'verify',
          name: stage === 'steps' ? 'rename' : 'tests',
          outcome: bad ? 'failure' : 'success',
          exitCode: bad ? 1 : 0,
          durationMs: took,
          stdout: bad ? Array.from({ length: 40 }, (_, k) => `line ${k} of the test output for ${task.repo.name}`).join('\n') : 'renamed 3 files\n',
          stderr: bad ? fill(ERRORS[pick(ERRORS.length)] as string, task.repo.name) : '',
          truncated: false,
          at: t,
        });
      }
      if (failed) break;
    }
    if (outcome !== 'unchanged' && outcome !== 'failed') {
      store.updateTask(task.id, { diff: diffFor(task.repo.name, 1 + pick(4)), filesChanged: 2, insertions: 4, deletions: 4, headSha: hex(random, 40) });
    }
    if (outcome === 'pr-opened' || outcome === 'pr-updated' || outcome === 'pr-closed') {
      const states = ['open', 'open', 'open', 'merged', 'closed'] as const;
      store.updateTask(task.id, {
        pushed: true,
        prNumber: 1 + pick(900),
        prUrl: `https://github.com/acme/${task.repo.name}/pull/${1 + pick(900)}`,
        prState: outcome === 'pr-closed' ? 'closed' : states[pick(states.length)] as string,
        prDraft: random() < 0.1,
        prChecks: (['success', 'failure', 'pending', null] as const)[pick(4)] ?? null,
        prReview: (['approved', 'changes-requested', 'review-required', null] as const)[pick(4)] ?? null,
        sandboxSeconds: 30 + pick(300),
        costUsd: 0.001 * (1 + pick(20)),
      });
    }
    setClock(t + 10);
    const result: TaskResult =
      outcome === 'failed'
        ? { outcome, errorClass: random() < 0.5 ? 'transient' : 'permanent', errorMessage: fill(ERRORS[pick(ERRORS.length)] as string, task.repo.name) }
        : outcome === 'verify-failed'
          ? { outcome, errorClass: 'permanent', errorMessage: 'verify tests failed (exit 1)' }
          : outcome === 'edited-by-human'
            ? { outcome, errorClass: 'permanent', errorMessage: 'branch fleetmod/rename-fetchdata has commits that fleetmod did not make; left as it is' }
            : { outcome };
    store.finishTask(task.id, result);
  }
  setClock(start + 1_000 + count * 700 + 60_000);
  store.setRunStatus(id, 'finished', null);
}

function repo(name: string): RepoRef {
  return { key: `acme/${name}`, url: `https://github.com/acme/${name}.git`, kind: 'github', owner: 'acme', name, display: `acme/${name}`, env: {} };
}

function diffFor(name: string, hunks: number): string {
  const lines = [`diff --git a/src/client.ts b/src/client.ts`, 'index 1111111..2222222 100644', '--- a/src/client.ts', '+++ b/src/client.ts'];
  for (let h = 0; h < hunks; h += 1) {
    lines.push(`@@ -${10 * h + 1},3 +${10 * h + 1},3 @@`, ` // ${name} part ${h}`, '-export async function fetchData(url: string) {', '+export async function loadData(url: string) {', '   return fetch(url);');
  }
  return `${lines.join('\n')}\n`;
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A small seeded PRNG, so the fixture is the same every time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
