import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RepoRef } from '../../src/domain/repo.js';
import { openRunStore } from '../../src/store/open-store.js';
import type { CandidateRecord, RunStore } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { tempDir } from '../support/temp.js';

const repo = (name: string): RepoRef => ({ key: `o/${name}`, url: `/${name}`, kind: 'local', owner: 'o', name, display: `o/${name}`, env: {} });

function candidate(taskId: number, attempt: number, position: number, diff: string, extra: Partial<CandidateRecord> = {}): CandidateRecord {
  return {
    taskId,
    attempt,
    position,
    name: `candidate-${position + 1}`,
    status: 'passed',
    score: null,
    diff,
    filesChanged: 1,
    insertions: 1,
    deletions: 0,
    sandboxSeconds: 3,
    durationMs: 1_000,
    detail: null,
    chosen: position === 0,
    at: attempt * 1_000 + position,
    ...extra,
  };
}

async function journal(): Promise<{ store: RunStore; ids: number[] }> {
  const store = openRunStore(path.join(await tempDir(), 'j.db'), createRedactor(['hunter2-secret']));
  for (const id of ['r1', 'r2']) {
    store.createRun({ id, jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/r' });
    store.addTasks(id, [repo(`a-${id}`), repo(`b-${id}`), repo(`c-${id}`)]);
  }
  return { store, ids: store.listTasks('r1').map((t) => t.id) };
}

describe('RunStore.listRunCandidates', () => {
  it('returns the candidates of every task of one run in one list: only each task\'s latest attempt that ran them, in order', async () => {
    const { store, ids } = await journal();
    const [a, b] = ids as [number, number, number];
    // Task a: attempt 1 ran candidates, attempt 2 ran them again (the earlier ones are history, not the choice).
    store.addCandidate(candidate(a, 1, 0, 'old-a-1\n'));
    store.addCandidate(candidate(a, 1, 1, 'old-a-2\n'));
    store.addCandidate(candidate(a, 2, 1, 'a-2\n', { chosen: true }));
    store.addCandidate(candidate(a, 2, 0, 'a-1\n', { status: 'verify-failed', chosen: false, detail: 'verify "t" exited with code 1' }));
    // Task b: only attempt 1 ran candidates (a later attempt reused the journaled diff, so it has none).
    store.addCandidate(candidate(b, 1, 0, 'b-1 hunter2-secret\n'));
    // Another run's task is not included.
    store.addCandidate(candidate(store.listTasks('r2')[0]!.id, 5, 0, 'other run\n'));

    const all = store.listRunCandidates('r1');

    expect(all.map((c) => [c.taskId, c.attempt, c.name, c.diff])).toEqual([
      [a, 2, 'candidate-1', 'a-1\n'],
      [a, 2, 'candidate-2', 'a-2\n'],
      [b, 1, 'candidate-1', 'b-1 ***\n'],
    ]);
    expect(all[0]).toMatchObject({ status: 'verify-failed', chosen: false, detail: 'verify "t" exited with code 1', diffTruncated: false });
    expect(all[1]).toMatchObject({ status: 'passed', chosen: true, sandboxSeconds: 3, durationMs: 1_000, filesChanged: 1 });
    expect(store.listRunCandidates('nope')).toEqual([]);
    store.close();
  });

  it('cuts diffs inside SQLite when asked (diffChars), says so, and leaves them out with 0', async () => {
    const { store, ids } = await journal();
    const long = `${'x'.repeat(30)}\n${'é'.repeat(30)}\n`;
    store.addCandidate(candidate(ids[0]!, 1, 0, long));
    store.addCandidate(candidate(ids[0]!, 1, 1, 'short\n'));

    const cut = store.listRunCandidates('r1', { diffChars: 40 });
    const none = store.listRunCandidates('r1', { diffChars: 0 });
    const full = store.listRunCandidates('r1');

    expect(cut.map((c) => [c.diff, c.diffTruncated])).toEqual([
      [long.slice(0, 40), true],
      ['short\n', false],
    ]);
    expect(none.map((c) => [c.diff, c.diffTruncated])).toEqual([
      ['', true],
      ['', true],
    ]);
    expect(full.map((c) => [c.diff, c.diffTruncated])).toEqual([
      [long, false],
      ['short\n', false],
    ]);
    store.close();
  });
});

describe('RunStore.adoptResult with candidates', () => {
  it('takes the step results and candidates of the attempt that chose one, so the chosen candidate\'s output is what a re-made commit reads', async () => {
    const { store, ids } = await journal();
    const [source, target] = [store.listTasks('r2')[0]!.id, ids[0]!];
    const step = (attempt: number, name: string, stdout: string) =>
      store.addStepResult({ taskId: source, attempt, candidate: name, kind: 'step', name: 'edit', outcome: 'success', exitCode: 0, durationMs: 1, stdout, stderr: '', truncated: false, at: attempt });
    // Attempt 1 ran both candidates and chose the first; attempt 2 left a row of the second candidate only (it
    // ended before choosing), so the latest step results are not the ones that produced the result.
    step(1, 'candidate-1', 'made by candidate-1\n');
    step(1, 'candidate-2', 'made by candidate-2\n');
    store.addCandidate(candidate(source, 1, 0, 'small\n'));
    store.addCandidate(candidate(source, 1, 1, 'big\n'));
    step(2, 'candidate-2', 'made by candidate-2 again\n');

    store.adoptResult(target, source, 3);

    expect(store.producingStepResults(target).map((s) => s.stdout)).toEqual(['made by candidate-1\n']);
    expect(store.listCandidates(target).map((c) => [c.attempt, c.name, c.chosen])).toEqual([
      [3, 'candidate-1', true],
      [3, 'candidate-2', false],
    ]);
    store.close();
  });

  it('without candidates, the steps (not the verify commands) of the latest attempt that ran any', async () => {
    const { store, ids } = await journal();
    const task = ids[1]!;
    const row = (attempt: number, kind: 'step' | 'verify', name: string, stdout: string) =>
      store.addStepResult({ taskId: task, attempt, candidate: '', kind, name, outcome: 'success', exitCode: 0, durationMs: 1, stdout, stderr: '', truncated: false, at: attempt });
    row(1, 'step', 'edit', 'first attempt\n');
    row(2, 'step', 'edit', 'second attempt\n');
    row(2, 'step', 'format', 'formatted\n');
    row(2, 'verify', 'test', 'tests passed\n');

    expect(store.producingStepResults(task).map((s) => [s.attempt, s.name, s.stdout])).toEqual([
      [2, 'edit', 'second attempt\n'],
      [2, 'format', 'formatted\n'],
    ]);
    expect(store.producingStepResults(ids[2]!)).toEqual([]);
    store.close();
  });
});
