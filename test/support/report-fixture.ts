/**
 * A stored run for report tests, written through the real SQLite store with a fixed clock, so every report of it
 * is the same byte for byte. Two runs of job `rename-fetchdata`: yesterday's and today's, with every kind of
 * outcome, PRs in every state, grouped failures, hostile text (markup, backticks, terminal escapes, XML-invalid
 * bytes) in names, errors, output and diffs. Paths in it are made up: nothing reads them.
 */
import path from 'node:path';
import type { Outcome } from '../../src/domain/outcome.js';
import type { RepoRef } from '../../src/domain/repo.js';
import type { Stage } from '../../src/domain/stage.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import type { CandidateRecord, RunStore, StageState, TaskPatch, TaskResult } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';

export const T0 = Date.UTC(2024, 5, 2, 2, 0, 0);
export const DAY = 86_400_000;
export const PREVIOUS_RUN = '20240601-020000-aaaa';
export const CURRENT_RUN = '20240602-020000-bbbb';
export const RUN_DIR = `/srv/fleetmod/runs/${CURRENT_RUN}`;

export interface FixtureOptions {
  provider?: string;
  /** Leave the current run as a crashed one: status running, stale heartbeat, one repo mid-stage. */
  crashed?: boolean;
}

export interface ReportFixture {
  dbPath: string;
  store: RunStore;
  /** "Now" for reports of the fixture: ten minutes after the current run finished. */
  now: number;
}

function repo(name: string, display = `acme/${name}`): RepoRef {
  return { key: `acme/${name}`, url: `https://github.com/acme/${name}.git`, kind: 'github', owner: 'acme', name, display, env: {} };
}

const HOSTILE_DIFF = [
  'diff --git a/src/index.ts b/src/index.ts',
  'index 1111111..2222222 100644',
  '--- a/src/index.ts',
  '+++ b/src/index.ts',
  '@@ -1,3 +1,3 @@',
  "-import { fetchData } from './client';",
  "+import { loadData } from './client';",
  ' const banner = "</pre></details><script>alert(1)</script>";',
  '+// ]]> & <![CDATA[ ``` `code` \u001b[31mred\u001b[0m',
  '',
].join('\n');

/** The diff of the best-of-N candidate that passed but lost (bigger): hostile too, and distinguishable. */
const CANDIDATE_DIFF = [
  'diff --git a/src/quick.ts b/src/quick.ts',
  '--- a/src/quick.ts',
  '+++ b/src/quick.ts',
  '@@ -1 +1 @@',
  '-quick();',
  '+quickLoad(); // </code></pre><img src=x onerror=alert(2)>',
  '',
].join('\n');

interface TaskSpec {
  repo: RepoRef;
  outcome?: Outcome;
  result?: Omit<TaskResult, 'outcome'>;
  patch?: TaskPatch;
  /** [stage, duration ms, state?, detail?] in order; stages run back to back from the task's start. */
  stages?: [Stage, number, StageState?, string?][];
  steps?: { kind: 'step' | 'verify'; name: string; outcome: 'success' | 'failure' | 'timeout'; exitCode: number | null; stdout?: string; stderr?: string; ms: number }[];
  /** Best of N: the candidates journaled for the task's (last) attempt. */
  candidates?: Omit<CandidateRecord, 'taskId' | 'attempt' | 'at'>[];
  startOffset?: number;
  retries?: number;
  /** Leave the task running in its last stage. */
  running?: boolean;
}

export function buildReportFixture(dir: string, options: FixtureOptions = {}): ReportFixture {
  const dbPath = path.join(dir, 'fleetmod.db');
  const db = openDb(dbPath);
  migrate(db);
  let clock = T0 - DAY;
  const store = createSqliteRunStore(db, { redactor: createRedactor(['s3cr3t-token-value']), now: () => clock });

  const addRun = (id: string, provider: string, specs: TaskSpec[], start: number, end: { at: number; status: 'finished' | 'interrupted'; reason?: string } | null) => {
    clock = start;
    store.createRun({
      id,
      jobName: 'rename-fetchdata',
      manifestPath: '/srv/jobs/rename-fetchdata.yaml',
      manifestHash: 'abc123',
      // The E2B prices of the job (0.00005 USD per sandbox-second, as `cost` below): candidates are priced from them.
      jobJson: provider === 'e2b' ? JSON.stringify({ sandbox: { e2b: { vcpu: 2, memoryMb: 1024, priceVcpuSecond: 0.00002, priceGibSecond: 0.00001 } } }) : '{}',
      provider,
      dryRun: false,
      runDir: `/srv/fleetmod/runs/${id}`,
    });
    store.addTasks(id, specs.map((s) => s.repo));
    const tasks = store.listTasks(id);
    specs.forEach((spec, i) => {
      const task = tasks[i]!;
      if (!spec.outcome && !spec.running) return;
      let t = start + 1_000 + (spec.startOffset ?? i * 7_000);
      clock = t;
      store.startTask(task.id);
      store.updateTask(task.id, { logPath: `/srv/fleetmod/runs/${id}/logs/acme__${task.repo.name}.log`, ...spec.patch });
      for (let r = 0; r < (spec.retries ?? 0); r += 1) {
        store.recordRetry(task.id, 'git clone failed: Connection reset by peer');
        store.startTask(task.id);
      }
      const stages = spec.stages ?? [];
      stages.forEach(([stage, ms, state, detail], s) => {
        clock = t;
        store.recordStage(task.id, stage, 'started');
        if (spec.running && s === stages.length - 1) return;
        t += ms;
        clock = t;
        store.recordStage(task.id, stage, state ?? 'succeeded', ms, detail ?? null);
        if (stage === 'steps' || stage === 'verify') {
          for (const step of spec.steps ?? []) {
            if ((stage === 'steps') !== (step.kind === 'step')) continue;
            store.addStepResult({
              taskId: task.id,
              attempt: 1 + (spec.retries ?? 0),
              candidate: 'default',
              kind: step.kind,
              name: step.name,
              outcome: step.outcome,
              exitCode: step.exitCode,
              durationMs: step.ms,
              stdout: step.stdout ?? '',
              stderr: step.stderr ?? '',
              truncated: false,
              at: t,
            });
          }
        }
      });
      for (const c of spec.candidates ?? []) store.addCandidate({ ...c, taskId: task.id, attempt: 1 + (spec.retries ?? 0), at: t });
      if (spec.running || !spec.outcome) return;
      clock = t + 10;
      store.finishTask(task.id, { outcome: spec.outcome, ...spec.result });
    });
    if (end) {
      clock = end.at;
      store.setRunStatus(id, end.status, end.reason ?? null);
    }
  };

  const full: [Stage, number][] = [['resolve', 200], ['clone', 1_500], ['sandbox', 400], ['steps', 3_000], ['verify', 2_000], ['diff', 100], ['commit', 300], ['push', 800], ['pr', 600]];
  const upTo = (last: Stage, state: StageState = 'succeeded', detail?: string): [Stage, number, StageState?, string?][] => {
    const list: [Stage, number, StageState?, string?][] = [];
    for (const [stage, ms] of full) {
      list.push(stage === last ? [stage, ms, state, detail] : [stage, ms]);
      if (stage === last) break;
    }
    return list;
  };
  const changed = (files: number, ins: number, del: number, diff = HOSTILE_DIFF): TaskPatch => ({
    baseBranch: 'main',
    baseSha: '0123456789abcdef0123456789abcdef01234567',
    branch: 'fleetmod/rename-fetchdata',
    headSha: 'fedcba9876543210fedcba9876543210fedcba98',
    diff,
    filesChanged: files,
    insertions: ins,
    deletions: del,
    pushed: true,
  });
  const pr = (n: number, patch: TaskPatch = {}): TaskPatch => ({ prNumber: n, prUrl: `https://github.com/acme/pr/pull/${n}`, prState: 'open', prDraft: false, ...patch });
  const e2b = options.provider === 'e2b';
  const cost = (seconds: number): TaskPatch => (e2b ? { sandboxSeconds: seconds, costUsd: seconds * 0.000_05 } : {});

  addRun(
    PREVIOUS_RUN,
    options.provider ?? 'local',
    [
      { repo: repo('api'), outcome: 'pr-opened', patch: { ...changed(2, 3, 1), ...pr(11) }, stages: upTo('pr') },
      { repo: repo('web'), outcome: 'pr-opened', patch: { ...changed(1, 1, 1), ...pr(12, { prState: 'merged', prMergedAt: T0 - 3_600_000, prRefreshedAt: T0 - 600_000 }) }, stages: upTo('pr') },
      { repo: repo('legacy'), outcome: 'pr-opened', patch: { ...changed(1, 2, 2), ...pr(13, { prState: 'closed', prRefreshedAt: T0 - 600_000 }) }, stages: upTo('pr') },
      { repo: repo('billing'), outcome: 'failed', result: { errorClass: 'permanent', errorMessage: 'step "build" exited with code 2: boom' }, stages: upTo('steps', 'failed') },
      { repo: repo('search'), outcome: 'pushed', patch: changed(1, 1, 1), stages: upTo('push') },
      { repo: repo('infra'), outcome: 'verify-failed', result: { errorClass: 'permanent', errorMessage: 'verify "tests" exited with code 1: 1 failed' }, stages: upTo('verify', 'failed') },
      { repo: repo('old-tool'), outcome: 'unchanged', stages: upTo('diff') },
    ],
    T0 - DAY,
    { at: T0 - DAY + 600_000, status: 'finished' },
  );

  const buildFailure = (file: string, line: number) =>
    `step "build" exited with code 2: ${file}(${line},3): error TS2304: Cannot find name 'fetchData'.`;
  const current: TaskSpec[] = [
    {
      repo: repo('api'),
      outcome: 'pr-updated',
      patch: { ...changed(2, 3, 1), ...pr(11, { prChecks: 'success', prReview: 'approved', prRefreshedAt: T0 + 700_000 }), ...cost(42) },
      // Best of 3 (select: smallest-diff): two pass, the smaller diff ships; one fails verify with hostile output.
      // Billed sandbox time (E2B only) adds up to the task's 42 seconds.
      stages: [
        ['resolve', 200],
        ['clone', 1_500],
        ['sandbox', 0, 'skipped', 'one sandbox per candidate (3)'],
        ['steps', 9_000],
        ['verify', 2_000, 'succeeded', '2 of 3 passed verify (1 verify failed)'],
        ['diff', 0, 'succeeded', 'chose careful'],
        ['commit', 300],
        ['push', 800],
        ['pr', 600],
      ],
      candidates: [
        { position: 0, name: 'careful', status: 'passed', score: null, diff: HOSTILE_DIFF, filesChanged: 2, insertions: 3, deletions: 1, sandboxSeconds: e2b ? 20 : 0, durationMs: 9_000, detail: 'careful: the smallest diff (4 changed lines); 2 of 3 passed', chosen: true },
        { position: 1, name: 'quick', status: 'passed', score: null, diff: CANDIDATE_DIFF, filesChanged: 3, insertions: 10, deletions: 4, sandboxSeconds: e2b ? 14 : 0, durationMs: 7_000, detail: null, chosen: false },
        {
          position: 2,
          name: 'other-model',
          status: 'verify-failed',
          score: null,
          diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n',
          filesChanged: 1,
          insertions: 1,
          deletions: 1,
          sandboxSeconds: e2b ? 8 : 0,
          durationMs: 5_000,
          detail: 'verify "tests" exited with code 1: FAIL <b>b.test.ts</b> `x` \u001b[31mred\u001b[0m',
          chosen: false,
        },
      ],
    },
    { repo: repo('billing', 'acme/billing <b>&</b>'), outcome: 'pr-opened', patch: { ...changed(5, 40, 12), ...pr(21, { prDraft: true, prChecks: 'pending', prReview: 'review-required', prRefreshedAt: T0 + 700_000 }), ...cost(61) }, stages: upTo('pr') },
    { repo: repo('web'), outcome: 'unchanged', patch: { diff: '', filesChanged: 0, insertions: 0, deletions: 0, ...cost(12) }, stages: upTo('diff') },
    { repo: repo('docs'), outcome: 'pr-closed', patch: { diff: '', filesChanged: 0, insertions: 0, deletions: 0, ...pr(5, { prState: 'closed' }), ...cost(9) }, stages: [...upTo('diff'), ['pr', 400]] },
    {
      repo: repo('search'),
      outcome: 'failed',
      result: { errorClass: 'permanent', errorMessage: buildFailure('src/search/index.ts', 14) },
      stages: upTo('steps', 'failed', 'step "build" exited with code 2'),
      steps: [
        { kind: 'step', name: 'rename', outcome: 'success', exitCode: 0, stdout: 'renamed 3 files\n', ms: 800 },
        { kind: 'step', name: 'build', outcome: 'failure', exitCode: 2, stdout: '> tsc -p .\n', stderr: "src/search/index.ts(14,3): error TS2304: Cannot find name 'fetchData'.\n\u001b[31mFound 1 error.\u001b[0m\n", ms: 2_100 },
      ],
      patch: cost(30),
    },
    {
      repo: repo('payments'),
      outcome: 'failed',
      result: { errorClass: 'permanent', errorMessage: buildFailure('src/pay/main.ts', 99) },
      stages: upTo('steps', 'failed'),
      steps: [{ kind: 'step', name: 'build', outcome: 'failure', exitCode: 2, stderr: "using token s3cr3t-token-value\nsrc/pay/main.ts(99,7): error TS2304: Cannot find name 'fetchData'.\n", ms: 1_900 }],
      patch: cost(28),
    },
    {
      repo: repo('mobile'),
      outcome: 'failed',
      retries: 2,
      result: { errorClass: 'transient', errorMessage: 'git push failed: Connection reset by peer (https://github.com/acme/mobile.git)' },
      stages: upTo('push', 'failed'),
      patch: { ...changed(1, 2, 2), pushed: false, ...cost(33) },
    },
    {
      repo: repo('infra'),
      outcome: 'verify-failed',
      result: { errorClass: 'permanent', errorMessage: 'verify "tests" exited with code 1: 2 failed | Tests: 2 failed, 40 passed' },
      stages: upTo('verify', 'failed'),
      steps: [
        { kind: 'step', name: 'rename', outcome: 'success', exitCode: 0, ms: 700 },
        { kind: 'verify', name: 'tests', outcome: 'failure', exitCode: 1, stdout: 'PASS a.test.ts\nFAIL b.test.ts\n  expected <div> & "quotes"\u0007\u0000\nTests: 2 failed, 40 passed\n', ms: 1_800 },
      ],
      patch: cost(51),
    },
    {
      repo: repo('ui'),
      outcome: 'edited-by-human',
      result: { errorClass: 'permanent', errorMessage: 'branch fleetmod/rename-fetchdata has commits that fleetmod did not make; left as it is' },
      stages: upTo('push', 'failed'),
      patch: { ...changed(1, 1, 1), pushed: false, ...cost(20) },
    },
    { repo: repo('archive'), outcome: 'skipped', result: { skipReason: 'repository acme/archive is archived' }, stages: [['resolve', 150]] },
    { repo: repo('archive2'), outcome: 'skipped', result: { skipReason: 'repository acme/archive2 is archived' }, stages: [['resolve', 120]] },
    { repo: repo('cli'), outcome: 'pushed', patch: { ...changed(3, 9, 9), ...cost(25) }, stages: upTo('push') },
    { repo: repo('legacy'), outcome: 'unchanged', patch: { diff: '', filesChanged: 0, insertions: 0, deletions: 0, ...cost(7) }, stages: upTo('diff') },
    options.crashed
      ? { repo: repo('slow'), running: true, stages: upTo('steps'), patch: cost(5) }
      : { repo: repo('slow'), outcome: 'unchanged', patch: { diff: '', filesChanged: 0, insertions: 0, deletions: 0, ...cost(300) }, stages: [['resolve', 200], ['clone', 45_000], ['sandbox', 400], ['steps', 60_000], ['verify', 2_000], ['diff', 100]] },
    { repo: repo('new-thing') },
  ];
  addRun(CURRENT_RUN, options.provider ?? 'local', current, T0, options.crashed ? null : { at: T0 + 600_000, status: 'interrupted', reason: 'stopped by user' });
  if (options.crashed) {
    clock = T0 + 120_000;
    store.heartbeat(CURRENT_RUN, { pid: 999_999, host: 'gone-host' });
  }
  return { dbPath, store, now: T0 + 1_200_000 };
}
