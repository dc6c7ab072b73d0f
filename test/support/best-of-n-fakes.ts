/**
 * Best of N without sandboxes or git: `runBestOfN`'s dependencies as fakes that answer each command from a function
 * and keep what was journaled (candidates, stages, the task's sandbox seconds), for unit tests of its decisions.
 */
import type { ExecResult } from '../../src/sandbox/types.js';
import type { BestOfNInput } from '../../src/orchestrator/best-of-n.js';
import type { TaskConfig, TaskDeps } from '../../src/orchestrator/task-context.js';
import type { CandidateRecord } from '../../src/store/types.js';

export interface FakeBestOfNOptions {
  /** The result of a command in candidate `position`'s sandbox; throwing is the sandbox failing. */
  exec: (position: number, command: string) => Partial<ExecResult>;
  candidates?: number;
  verify?: string[];
  provider?: 'local' | 'e2b';
  /** Seconds each sandbox is billed. @default 0 */
  billedSeconds?: number;
  select?: 'first-passing' | 'smallest-diff';
}

export interface FakeJournal {
  candidates: Omit<CandidateRecord, 'at'>[];
  stages: string[];
  taskSeconds: number;
}

export function fakeBestOfN(options: FakeBestOfNOptions): { deps: TaskDeps; config: TaskConfig; input: BestOfNInput; journal: FakeJournal } {
  const journal: FakeJournal = { candidates: [], stages: [], taskSeconds: 0 };
  let created = 0;
  const store = {
    getTask: () => ({ sandboxSeconds: journal.taskSeconds, costUsd: 0 }),
    updateTask: (_id: number, patch: { sandboxSeconds?: number }) => {
      if (patch.sandboxSeconds !== undefined) journal.taskSeconds = patch.sandboxSeconds;
    },
    addCandidate: (c: CandidateRecord) => journal.candidates.push(c),
    recordStage: (_id: number, stage: string, state: string) => journal.stages.push(`${stage} ${state}`),
    addStepResult: () => undefined,
  };
  const sandbox = (position: number) => ({
    id: `sb-${position}`,
    provider: options.provider ?? 'local',
    exec: async (command: string) => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, truncated: false, ...options.exec(position, command) }),
    exportDiff: async () => `diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+${position}\n`,
    billedSeconds: () => options.billedSeconds ?? 0,
    destroy: async () => undefined,
    readFile: async () => Buffer.from(''),
    writeFile: async () => undefined,
  });
  const deps = {
    store,
    git: { clone: async () => undefined },
    limiters: { sandbox: <T>(fn: () => Promise<T>) => fn(), creationSlot: async () => undefined },
    sandboxes: { create: async () => sandbox(created++) },
    redactor: { redact: (t: string) => t },
    now: Date.now,
  } as unknown as TaskDeps;
  const step = (name: string, run: string) => ({ name, run, env: {}, files: [] });
  const job = {
    name: 'j',
    dir: '/tmp',
    select: options.select ?? 'smallest-diff',
    verify: (options.verify ?? ['tests']).map((name) => step(name, name)),
    candidates: Array.from({ length: options.candidates ?? 2 }, (_, i) => ({ name: `candidate-${i + 1}`, env: {}, steps: [step('agent', 'agent')] })),
    sandbox: { env: {}, network: false, timeoutMs: 1000, pids: 64, tmpBytes: 1, outputBytes: 1000, changeBytes: 1e6, template: 'base', e2b: { vcpu: 2, memoryMb: 1024, priceVcpuSecond: 0.00002, priceGibSecond: 0.00001 } },
  };
  const config = { job, run: { id: 'r' }, secrets: {}, keepWorkdirs: true } as unknown as TaskConfig;
  const log = { line: () => undefined, output: () => undefined, close: () => undefined };
  const task = { id: 1, attempts: 1, repo: { key: 'acme/api', owner: 'acme', name: 'api', url: 'u', env: {} } } as unknown as BestOfNInput['task'];
  const input: BestOfNInput = { task, base: 'main', workdir: '/tmp/nonexistent-best-of-n-fake', log, signal: new AbortController().signal, stage: (_name, work) => work() };
  return { deps, config, input, journal };
}
