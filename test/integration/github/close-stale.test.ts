/**
 * `change.close-stale`: a re-run whose transformation no longer changes a repository closes the PR an earlier run
 * left open, with one comment saying why — also when GitHub fails the close and it is tried again — and leaves
 * it open when a person has pushed to its branch.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { forgeBranchSha, humanClone } from '../../support/forge/human.js';
import { ALICE_TOKEN, oneRepoForge } from '../../support/forge/one-repo.js';

const BRANCH = 'fleetmod/rename-fetch';
/** The step of a job that no longer changes anything. */
const NO_CHANGE = 'true';

/** acme/a with the PR of a first run (close-stale on); `run` runs the job again with other options. */
async function withOpenPr() {
  const { forge, dir, run, lastTask } = await oneRepoForge({ change: { 'close-stale': true } });
  expect((await run()).code).toBe(0);
  expect(forge.pulls('acme/a').map((p) => p.state)).toEqual(['open']);
  return { forge, dir, run, outcome: () => lastTask('outcome, pr_number, pr_state') };
}

describe('close-stale', () => {
  it('comments once when the close fails and the repository is tried again', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    // GitHub has a bad minute: the PATCH that closes the PR gets 502 four times (the request and its 3 retries).
    forge.faults.add({ method: 'PATCH', path: /\/pulls\/\d+$/, times: 4, answer: { kind: 'status', status: 502 } });

    const closing = await run({ step: NO_CHANGE, limits: { retries: 2 } });

    expect(closing.code, closing.out).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'closed', comments: [{ body: expect.stringMatching(/no longer produces a change/) }] }]);
    expect(forge.pulls('acme/a')[0]!.comments).toHaveLength(1);
    expect(outcome()).toEqual({ outcome: 'pr-closed', pr_number: 1, pr_state: 'closed' });
    expect(forge.monitor.violations).toEqual([]);
  });

  it('a dry run closes nothing and writes nothing to GitHub', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    const writesBefore = forge.monitor.writes().length;

    const dry = await run({ step: NO_CHANGE }, '--dry-run');

    expect(dry.code, dry.out).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
    expect(forge.monitor.writes()).toHaveLength(writesBefore);
    expect(outcome()).toMatchObject({ outcome: 'unchanged', pr_state: null });
  });

  it('a dry run that reuses a result without a change says what it would close, without a checkout', { timeout: 120_000 }, async () => {
    const { forge, dir, run, outcome } = await withOpenPr();
    // The first dry run of the new transformation journals its result (no change); the second reuses it.
    expect((await run({ step: NO_CHANGE }, '--dry-run')).code).toBe(0);

    const dry = await run({ step: NO_CHANGE }, '--dry-run', '--new');

    expect(dry.code, dry.out).toBe(0);
    expect(outcome()).toMatchObject({ outcome: 'unchanged' });
    expect(lastTaskStages(dir)).toEqual([
      { stage: 'resolve', state: 'succeeded' },
      { stage: 'clone', state: 'skipped' },
      { stage: 'sandbox', state: 'skipped' },
      { stage: 'steps', state: 'skipped' },
      { stage: 'verify', state: 'skipped' },
      { stage: 'diff', state: 'skipped' },
    ]);
    expect(lastTaskLog(dir)).toMatch(/dry run: a real run would close http\S+\/pull\/1 \(close-stale\)/);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
  });

  it('does not count a PR merged before it could close it as closed by it', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    // Someone merges the PR while the re-run works on the repository: it is merged when fleetmod goes to close it.
    forge.faults.add({
      method: 'GET',
      path: /^\/repos\/acme\/a\/pulls\/1$/,
      answer: { kind: 'served' },
      onFire: () => {
        const pull = forge.pulls('acme/a')[0]!;
        pull.state = 'closed';
        pull.mergedAt = pull.closedAt = new Date().toISOString();
      },
    });

    const rerun = await run({ step: NO_CHANGE });

    expect(rerun.code, rerun.out).toBe(0);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'closed', comments: [] }]);
    expect(outcome()).toEqual({ outcome: 'unchanged', pr_number: 1, pr_state: 'merged' });
    expect(forge.monitor.violations).toEqual([]);
  });

  it('leaves the PR open when a human pushed a commit to its branch, and says edited-by-human', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    const alice = await humanClone(forge, 'acme/a', ALICE_TOKEN, BRANCH);
    await alice.commit({ 'DOCS.md': 'docs by alice\n' }, 'Document the rename');
    await alice.push();
    const humanTip = await forgeBranchSha(forge, 'acme/a', BRANCH);

    const closing = await run({ step: NO_CHANGE });

    expect(closing.code).toBe(1);
    expect(closing.out).toMatch(/edited by a human/);
    expect(forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
    expect(await forgeBranchSha(forge, 'acme/a', BRANCH)).toBe(humanTip);
    expect(outcome()).toEqual({ outcome: 'edited-by-human', pr_number: 1, pr_state: 'open' });
  });
});

/** Reads the newest task's journal: `read(db, taskId)`. */
function newestTask<T>(dir: string, read: (db: Database.Database, taskId: number) => T): T {
  const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
  try {
    const { id } = db.prepare('SELECT id FROM tasks ORDER BY rowid DESC LIMIT 1').get() as { id: number };
    return read(db, id);
  } finally {
    db.close();
  }
}

function lastTaskStages(dir: string): { stage: string; state: string }[] {
  return newestTask(dir, (db, id) => db.prepare('SELECT stage, state FROM stage_events WHERE task_id = ? ORDER BY id').all(id) as { stage: string; state: string }[]);
}

function lastTaskLog(dir: string): string {
  return newestTask(dir, (db, id) => (db.prepare("SELECT group_concat(text, '') AS text FROM (SELECT text FROM task_logs WHERE task_id = ? ORDER BY id)").get(id) as { text: string }).text);
}
