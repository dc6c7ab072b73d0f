import { describe, expect, it } from 'vitest';
import { candidatesTable } from '../../../src/orchestrator/candidates-table.js';
import { selectCandidate, type CandidateSummary } from '../../../src/orchestrator/select-candidate.js';
import type { CandidateRecord } from '../../../src/store/types.js';

const c = (position: number, status: CandidateSummary['status'], changedLines: number, score: number | null = null): CandidateSummary => ({
  position,
  name: `c${position + 1}`,
  status,
  score,
  changedLines,
  empty: changedLines === 0,
});

describe('selecting a candidate', () => {
  it('first-passing takes the first passing candidate in manifest order', () => {
    expect(selectCandidate([c(0, 'verify-failed', 3), c(1, 'passed', 9), c(2, 'passed', 1)], 'first-passing')).toEqual({
      chosen: 1,
      reason: 'c2: the first candidate that passed; 2 of 3 passed',
    });
  });

  it('smallest-diff takes the fewest changed lines, ties to the earlier candidate', () => {
    expect(selectCandidate([c(0, 'passed', 4), c(1, 'passed', 2), c(2, 'passed', 2)], 'smallest-diff').chosen).toBe(1);
  });

  it('score takes the highest score; candidates without a score are not eligible', () => {
    expect(selectCandidate([c(0, 'passed', 4, 3), c(1, 'score-failed', 2), c(2, 'passed', 9, 7.5)], 'score')).toEqual({
      chosen: 2,
      reason: 'c3: the highest score (7.5); 2 of 3 passed',
    });
  });

  it('a real change beats an empty one, but an all-empty field still picks (the repo is unchanged)', () => {
    expect(selectCandidate([c(0, 'passed', 0), c(1, 'passed', 8)], 'smallest-diff').chosen).toBe(1);
    expect(selectCandidate([c(0, 'passed', 0), c(1, 'passed', 0)], 'smallest-diff').chosen).toBe(0);
  });

  it('says the pick is among the candidates with a change when a passing one was passed over for an empty diff', () => {
    const field = [c(0, 'passed', 0, 9), c(1, 'verify-failed', 3), c(2, 'passed', 8, 5)];

    expect(selectCandidate(field, 'first-passing').reason).toBe('c3: the first candidate that passed with a change; 2 of 3 passed, 1 of them without a change');
    expect(selectCandidate(field, 'smallest-diff').reason).toBe('c3: the smallest diff that is not empty (8 changed lines); 2 of 3 passed, 1 of them without a change');
    expect(selectCandidate(field, 'score').reason).toBe('c3: the highest score with a change (5); 2 of 3 passed, 1 of them without a change');
  });

  it('nothing passes: no choice', () => {
    expect(selectCandidate([c(0, 'step-failed', 0), c(1, 'verify-failed', 3), c(2, 'error', 0)], 'first-passing')).toEqual({
      chosen: null,
      reason: 'no candidate passed',
    });
  });
});

describe('the candidates table for PR bodies', () => {
  const record = (name: string, status: CandidateRecord['status'], chosen: boolean, score: number | null): CandidateRecord => ({
    taskId: 1, attempt: 1, position: 0, name, status, score, diff: '', filesChanged: 2, insertions: 5, deletions: 1,
    sandboxSeconds: 3, durationMs: 3000, detail: null, chosen, at: 0,
  });

  it('lists every candidate and marks the chosen one', () => {
    expect(candidatesTable([record('careful', 'passed', true, 3), record('bold', 'verify-failed', false, null), record('late', 'cancelled', false, null)])).toBe(
      [
        '| candidate | result | score | diff |',
        '|---|---|---|---|',
        '| **careful** ✔ | passed | 3 | +5 −1 in 2 files |',
        '| bold | verify failed | – | +5 −1 in 2 files |',
        '| late | not needed | – | – |',
      ].join('\n'),
    );
  });

  it('is empty for a job without candidates', () => {
    expect(candidatesTable([record('default', 'passed', true, null)])).toBe('');
  });
});
