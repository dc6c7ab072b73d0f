import { describe, expect, it } from 'vitest';
import { NoCandidatePassed, VerifyFailed } from '../../../src/domain/errors.js';
import { errorSignature, failureExcerpt, groupFailures } from '../../../src/report/failures.js';
import type { RepoEntry } from '../../../src/report/model.js';
import type { StepResultRecord } from '../../../src/store/types.js';

describe('errorSignature', () => {
  it.each([
    {
      name: 'paths and positions vary between repos',
      a: "step \"build\" exited with code 2: src/a/index.ts(14,3): error TS2304: Cannot find name 'fetchData'.",
      b: "step \"build\" exited with code 2: lib/b.ts(9,1): error TS2304: Cannot find name 'loadThing'.",
    },
    {
      name: 'URLs, hashes and temp dirs vary',
      a: 'git push failed: remote rejected 3f2a9c1d8e at https://github.com/acme/a.git (/tmp/fm-abc/work)',
      b: 'git push failed: remote rejected 9b8c7d6e5f at https://github.com/acme/b.git (/tmp/fm-xyz/work)',
    },
    {
      name: 'counts and durations vary',
      a: 'verify "tests" exited with code 1: 2 failed | Tests: 2 failed, 40 passed in 3.2s',
      b: 'verify "tests" exited with code 1: 17 failed | Tests: 17 failed, 3 passed in 12.75s',
    },
    {
      name: '0x addresses vary (a Go panic, a segfault)',
      a: 'step "test" exited with code 2: panic: runtime error | [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]',
      b: 'step "test" exited with code 2: panic: runtime error | [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x5d91fe]',
    },
    {
      name: 'request ids vary (GitHub, colon-joined hex)',
      a: 'GitHub: creating the pull request failed (HTTP 502): Server Error (request C0F2:3A4B:1E2F3A:2B3C4D:65F0A1B2)',
      b: 'GitHub: creating the pull request failed (HTTP 502): Server Error (request D71A:0B9E:AF0C12:77E0B1:65F0A1C9)',
    },
    {
      name: 'sandbox ids mixing letters and digits vary',
      a: 'sandbox i8k2m4q9z1x7c3v5b6n0 disappeared',
      b: 'sandbox ia1b2c3d4e5f6g7h8j9k disappeared',
    },
  ])('equal failures get one signature: $name', ({ a, b }) => {
    expect(errorSignature(a)).toBe(errorSignature(b));
  });

  it('keeps what tells failures apart: the step name, the words of the error', () => {
    expect(errorSignature('step "build" exited with code 1: boom')).not.toBe(errorSignature('step "lint" exited with code 1: boom'));
    expect(errorSignature('step "build" exited with code 1: out of memory')).not.toBe(errorSignature('step "build" exited with code 1: disk full'));
    expect(errorSignature('verify "x" exited with code 1: y')).toMatch(/^verify "x" exited with code <n>: y$/);
  });

  it('uses the first non-empty line, and stays short', () => {
    expect(errorSignature('\n  first line 1\nsecond line')).toBe('first line <n>');
    expect(errorSignature(`boom ${'word '.repeat(100)}`).length).toBeLessThanOrEqual(200);
  });

  it('best of N keeps each candidate\'s failing command: "all timed out in verify tests" and "… in verify lint" differ', () => {
    const noWinner = (causes: [string, string][]) =>
      new NoCandidatePassed(causes.map(([check, detail], i) => ({ name: `candidate-${i + 1}`, detail: new VerifyFailed(check, null, detail).message }))).message;
    const timedOut = (check: string) => noWinner([[check, 'timed out after 600s'], [check, 'timed out after 612s'], [check, 'timed out after 600s']]);

    expect(errorSignature(timedOut('tests'))).toBe(errorSignature(noWinner([['tests', 'timed out after 9s'], ['tests', 'timed out after 1s'], ['tests', 'timed out after 3s']])));
    expect(errorSignature(timedOut('tests'))).not.toBe(errorSignature(timedOut('lint')));
    expect(errorSignature(timedOut('tests'))).toBe(
      'no candidate passed verify (candidate-<n>: verify "tests" did not finish: timed out after <n>s; candidate-<n>: verify "tests" did not finish: timed out after <n>s; candidate-<n>: verify "tests" did not finish: timed out after <n>s)',
    );
    // Journals from before NoCandidatePassed: the outer `verify "candidates"` and the candidates' commands are kept.
    const old = (check: string) => `verify "candidates" did not finish: no candidate passed (a: verify "${check}" exited with code 1: boom)`;
    expect(errorSignature(old('tests'))).not.toBe(errorSignature(old('lint')));
  });

  it("best of N: a later candidate's cause is not cut off by a long first one", () => {
    const long = `step "build" exited with code 2: ${'error TS2304: Cannot find name. '.repeat(10)}`;
    const third = (check: string) => new NoCandidatePassed([{ name: 'a', detail: long }, { name: 'b', detail: long }, { name: 'c', detail: new VerifyFailed(check, 1, 'boom').message }]).message;

    expect(errorSignature(third('tests'))).not.toBe(errorSignature(third('lint')));
  });

  it('ignores terminal colours: a coloured error groups with the plain one, and no code is left in the signature', () => {
    const coloured = 'step "build" exited with code 3: \u001b[1;31mFEHLER\u001b[0m: ungültig in src/a.ts';
    const plain = 'step "build" exited with code 3: FEHLER: ungültig in src/b.ts';

    expect(errorSignature(coloured)).toBe(errorSignature(plain));
    expect(errorSignature(coloured)).toBe('step "build" exited with code <n>: FEHLER: ungültig in <path>');
  });

  it('leaves ordinary words made of hex letters alone', () => {
    expect(errorSignature('cannot deface a facade')).toBe('cannot deface a facade');
    expect(errorSignature('error TS2304 in utf8 text')).toBe('error TS<n> in utf<n> text');
  });
});

function step(partial: Partial<StepResultRecord>): StepResultRecord {
  return { taskId: 1, attempt: 1, candidate: 'default', kind: 'step', name: 's', outcome: 'success', exitCode: 0, durationMs: 1, stdout: '', stderr: '', truncated: false, at: 0, ...partial };
}

describe('failureExcerpt', () => {
  it("is the tail of the latest attempt's failing command, stderr first", () => {
    const results = [
      step({ attempt: 1, name: 'build', outcome: 'failure', exitCode: 1, stderr: 'old attempt\n', at: 1 }),
      step({ attempt: 2, name: 'rename', outcome: 'success', stdout: 'fine\n', at: 2 }),
      step({ attempt: 2, name: 'build', outcome: 'failure', exitCode: 2, stdout: 'ignored', stderr: `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n`, at: 3 }),
    ];

    const excerpt = failureExcerpt(results, 'step "build" exited with code 2', 2)!;

    expect(excerpt.split('\n')[0]).toBe('step build: exit 2');
    expect(excerpt).toContain('line 29');
    expect(excerpt).not.toContain('line 17\n');
    expect(excerpt).not.toContain('old attempt');
    expect(excerpt.split('\n')).toHaveLength(13);
  });

  it('says a timed-out command timed out, and falls back to stdout, then to the error', () => {
    expect(failureExcerpt([step({ kind: 'verify', name: 't', outcome: 'timeout', exitCode: null, stdout: 'waiting…' })], null, 1)).toBe('verify t: timed out\nwaiting…');
    expect(failureExcerpt([], 'git push failed: connection reset', 1)).toBe('git push failed: connection reset');
    expect(failureExcerpt(undefined, null, 1)).toBeNull();
  });

  it("never shows an earlier attempt's failure, or a command the error does not name, for a later failure", () => {
    const results = [
      step({ attempt: 1, name: 'gen', outcome: 'failure', exitCode: 1, stderr: 'npm ERR! registry 503', at: 1 }),
      step({ attempt: 2, name: 'gen', outcome: 'success', at: 2 }),
      step({ attempt: 2, name: 'lint', outcome: 'failure', exitCode: 1, stderr: 'lint warnings (continue-on-error)', at: 3 }),
    ];

    expect(failureExcerpt(results, 'the change contains the value of a secret', 2)).toBe('the change contains the value of a secret');
    expect(failureExcerpt(results, 'step "gen" exited with code 1: npm ERR! registry 503', 2)).toBe('step "gen" exited with code 1: npm ERR! registry 503');
    expect(failureExcerpt(results, 'step "lint" exited with code 1', 2)).toBe('step lint: exit 1\nlint warnings (continue-on-error)');
  });

  it('shows the latest failing command of the attempt when every candidate failed', () => {
    const results = [
      step({ attempt: 1, candidate: 'a', name: 'edit', outcome: 'failure', exitCode: 3, stderr: 'a broke', at: 1 }),
      step({ attempt: 1, candidate: 'b', kind: 'verify', name: 'test', outcome: 'failure', exitCode: 1, stderr: 'b failed its tests', at: 2 }),
    ];

    expect(failureExcerpt(results, 'no candidate succeeded (a: step "edit" exited with code 3)', 1)).toBe('verify test: exit 1\nb failed its tests');
    expect(failureExcerpt(results, 'verify "candidates" did not finish: no candidate passed (b: tests)', 1)).toBe('verify test: exit 1\nb failed its tests');
    expect(failureExcerpt(results, 'no candidate passed verify (b: verify "test" exited with code 1)', 1)).toBe('verify test: exit 1\nb failed its tests');
  });
});

describe('groupFailures', () => {
  const entry = (key: string, outcome: RepoEntry['outcome'], signature: string, errorClass: RepoEntry['errorClass'] = 'permanent') =>
    ({ key, display: key, outcome, signature, errorClass, errorMessage: `${signature} in ${key}`, excerpt: null }) as RepoEntry;

  it('largest group first; outcome is part of the key; transient and permanent are counted', () => {
    const groups = groupFailures([
      entry('a', 'failed', 'x'),
      entry('b', 'failed', 'y', 'transient'),
      entry('c', 'failed', 'y'),
      entry('d', 'verify-failed', 'y'),
      entry('e', 'unchanged', ''),
    ].map((r) => (r.outcome === 'unchanged' ? { ...r, signature: null } : r)));

    expect(groups.map((g) => [g.outcome, g.signature, g.repos.map((r) => r.key)])).toEqual([
      ['failed', 'y', ['b', 'c']],
      ['failed', 'x', ['a']],
      ['verify-failed', 'y', ['d']],
    ]);
    expect(groups[0]).toMatchObject({ transient: 1, permanent: 1, example: 'y in b' });
  });
});
