import { describe, expect, it } from 'vitest';
import { estimatePrCreation, prWrites, type PrWrite } from '../../src/plan/pr-estimate.js';

const DEFAULTS = { githubWritesPerMinute: 60, githubWritesPerHour: 400 };
const CREATE_ONLY: PrWrite[] = [{ what: 'create', notifies: true }];

describe('prWrites', () => {
  it('costs the creation plus labels, assignees and one review request when the job has them', () => {
    const none = { labels: [], assignees: [], reviewers: [], teamReviewers: [] };

    expect(prWrites(none).map((w) => w.what)).toEqual(['create']);
    expect(prWrites({ ...none, labels: ['deps'], assignees: ['bob'], teamReviewers: ['platform'] }).map((w) => w.what)).toEqual([
      'create',
      'labels',
      'assignees',
      'reviewers',
    ]);
  });
});

describe('estimatePrCreation', () => {
  it('costs nothing for no pull requests', () => {
    expect(estimatePrCreation(0, DEFAULTS)).toMatchObject({ pullRequests: 0, writes: 0, durationMs: 0 });
  });

  it('spaces writes 1 s apart and notifying ones (create, review request) 3 s apart when no budget binds', () => {
    const estimate = estimatePrCreation(10, DEFAULTS);

    // Each PR: create at t, labels at t+1, review request at t+3 (3 s after the creation); the next creation waits
    // 3 s after that review request: PR i starts at 6i s, so the last write is at 6·9 + 3 s.
    expect(estimate.durationMs).toBe(57_000);
    expect(estimate.writes).toBe(30);
    expect(estimate.writesPerPr).toEqual(['create', 'labels', 'reviewers']);
    expect(estimate.bottleneck).toBe('github-writes-per-hour');
  });

  it('waits for the hourly write budget', () => {
    const estimate = estimatePrCreation(10, { githubWritesPerMinute: 60, githubWritesPerHour: 5 }, CREATE_ONLY);

    // Creations 3 s apart: five at 0 … 12 s; the sixth waits until the first is an hour old, the rest follow.
    expect(estimate.durationMs).toBe((3_600 + 4 * 3) * 1_000);
    expect(estimate.bottleneck).toBe('github-writes-per-hour');
    expect(estimate.perHour['github-writes-per-hour']).toBe(5);
  });

  it('follows limits.pr-rate when it is the slowest', () => {
    const estimate = estimatePrCreation(5, { ...DEFAULTS, prRate: { count: 2, perMs: 3_600_000 } }, CREATE_ONLY);

    // Two PRs per sliding hour: 0 and 3 s, then 3600 and 3603 s, then 7200 s.
    expect(estimate.durationMs).toBe(7_200_000);
    expect(estimate.bottleneck).toBe('pr-rate');
    expect(estimate.perHour['pr-rate']).toBe(2);
  });

  it('honours a tight per-minute budget', () => {
    const estimate = estimatePrCreation(4, { githubWritesPerMinute: 6, githubWritesPerHour: 400 });

    // Six writes per sliding minute: PRs 0 and 1 at 0–9 s; PR 2's writes wait for writes 0–2 to be a minute old
    // (60, 61, 63 s); PR 3's for writes 3–5 (66, 67, 69 s).
    expect(estimate.durationMs).toBe(69_000);
    expect(estimate.bottleneck).toBe('github-writes');
  });
});
