/**
 * A pull request a person closed without merging declined the change: later runs leave the repository alone —
 * no push, no new PR — and say why. A PR fleetmod closed itself (close-stale) or one that was merged is no such
 * answer, and `on-existing: recreate` opens a new PR anyway.
 */
import { describe, expect, it } from 'vitest';
import { closePullAsHuman, forgeBranchSha, humanClone, mergePullAsHuman } from '../../support/forge/human.js';
import { ALICE_TOKEN, oneRepoForge } from '../../support/forge/one-repo.js';

const BRANCH = 'fleetmod/rename-fetch';
/** A later transformation of the same job: it changes the repository again, differently (or for the first time after a merge). */
const RENAME_AGAIN = "grep -rlE 'fetchData|loadData' src | xargs -r sed -i -E 's/(fetch|load)Data/getData/g'";
const DECLINED = /^pull request #1 was closed without merging \(\d{4}-\d\d-\d\d\); not opened again — set change.on-existing: recreate to open a new one$/;

/** acme/a with the open PR #1 of a first run. */
async function withOpenPr(defaults: Parameters<typeof oneRepoForge>[0] = {}) {
  const { forge, run, lastTask } = await oneRepoForge(defaults);
  expect((await run()).code).toBe(0);
  expect(forge.pulls('acme/a').map((p) => [p.number, p.state])).toEqual([[1, 'open']]);
  return { forge, run, outcome: () => lastTask('outcome, skip_reason, branch') };
}

const states = (forge: Awaited<ReturnType<typeof withOpenPr>>['forge']) => forge.pulls('acme/a').map((p) => [p.number, p.state, p.mergedAt !== null]);

describe('a pull request closed without merging', () => {
  it('by a person: later runs skip the repository with the reason, push nothing and open no PR', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    await closePullAsHuman(forge, 'acme/a', 1, ALICE_TOKEN);
    const tip = await forgeBranchSha(forge, 'acme/a', BRANCH);
    const pushes = forge.pushes.length;
    const writes = forge.monitor.writes().length;

    // A new transformation would change the branch: the team's "no" stands for it too.
    const rerun = await run({ step: RENAME_AGAIN });

    expect(rerun.code, rerun.out).toBe(0);
    expect(outcome()).toEqual({ outcome: 'skipped', skip_reason: expect.stringMatching(DECLINED), branch: BRANCH });
    expect(rerun.out).toMatch(/pull request #1 was closed without merging/);
    expect(states(forge)).toEqual([[1, 'closed', false]]);
    expect(await forgeBranchSha(forge, 'acme/a', BRANCH)).toBe(tip);
    expect(forge.pushes).toHaveLength(pushes);
    expect(forge.monitor.writes()).toHaveLength(writes);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('by a person who also deleted the branch: still declined, the branch is not pushed again', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    await closePullAsHuman(forge, 'acme/a', 1, ALICE_TOKEN);
    await (await humanClone(forge, 'acme/a', ALICE_TOKEN)).deleteRemote(BRANCH);

    const rerun = await run({ step: RENAME_AGAIN });

    expect(rerun.code, rerun.out).toBe(0);
    expect(outcome()).toMatchObject({ outcome: 'skipped', skip_reason: expect.stringMatching(DECLINED) });
    expect(states(forge)).toEqual([[1, 'closed', false]]);
    expect(await forgeBranchSha(forge, 'acme/a', BRANCH)).toBeNull();
  });

  it('by a person, with on-existing: recreate: a new PR is opened', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    await closePullAsHuman(forge, 'acme/a', 1, ALICE_TOKEN);

    const recreated = await run({ step: RENAME_AGAIN, change: { 'on-existing': 'recreate' } });

    expect(recreated.code, recreated.out).toBe(0);
    expect(outcome()).toMatchObject({ outcome: 'pr-opened', skip_reason: null });
    expect(states(forge)).toEqual([
      [1, 'closed', false],
      [2, 'open', false],
    ]);
    expect(forge.monitor.violations).toEqual([]);
  });

  it('by fleetmod (close-stale): a later run with a change opens a new PR', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr({ change: { 'close-stale': true } });
    expect((await run({ step: 'true' })).code).toBe(0);
    expect(states(forge)).toEqual([[1, 'closed', false]]);
    expect(forge.pulls('acme/a')[0]!.comments).toHaveLength(1);

    const reopened = await run({ step: RENAME_AGAIN });

    expect(reopened.code, reopened.out).toBe(0);
    expect(outcome()).toMatchObject({ outcome: 'pr-opened', skip_reason: null });
    expect(states(forge)).toEqual([
      [1, 'closed', false],
      [2, 'open', false],
    ]);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('a merged pull request', () => {
  it('is no answer to a later change: a new diff on its branch opens a new PR', { timeout: 120_000 }, async () => {
    const { forge, run, outcome } = await withOpenPr();
    await mergePullAsHuman(forge, 'acme/a', 1, ALICE_TOKEN);

    const next = await run({ step: RENAME_AGAIN });

    expect(next.code, next.out).toBe(0);
    expect(outcome()).toMatchObject({ outcome: 'pr-opened', skip_reason: null });
    expect(states(forge)).toEqual([
      [1, 'closed', true],
      [2, 'open', false],
    ]);
    expect(forge.monitor.violations).toEqual([]);
  });
});
