import { describe, expect, it } from 'vitest';
import { estimatePrCreation } from '../../src/plan/pr-estimate.js';

const DEFAULTS = { githubWritesPerMinute: 60, githubWritesPerHour: 400 };

describe('estimatePrCreation', () => {
  it('costs nothing for no pull requests', () => {
    expect(estimatePrCreation(0, DEFAULTS)).toMatchObject({ pullRequests: 0, writes: 0, durationMs: 0 });
  });

  it('spaces writes 1 s apart and PR creations 3 s apart when no budget binds', () => {
    const estimate = estimatePrCreation(10, DEFAULTS);

    // PR i starts at 3i s and its three writes take 2 s more: the last write is at 27 + 2 s.
    expect(estimate.durationMs).toBe(29_000);
    expect(estimate.writes).toBe(30);
  });

  it('waits for the hourly write budget: 200 PRs = 600 writes at 400 writes/hour', () => {
    const estimate = estimatePrCreation(200, DEFAULTS);

    // Writes 0–399 go out 1 s apart (0 … 399 s); write 400 waits until write 0 is an hour old (3600 s); the last
    // of the remaining 200 writes goes out at 3799 s.
    expect(estimate.durationMs).toBe(3_799_000);
    expect(estimate.bottleneck).toBe('github-writes-per-hour');
    expect(Math.floor(estimate.perHour['github-writes-per-hour'] ?? 0)).toBe(133);
  });

  it('follows limits.pr-rate when it is the slowest: 100 PRs at 60/hour', () => {
    const estimate = estimatePrCreation(100, { ...DEFAULTS, prRate: { count: 60, perMs: 3_600_000 } });

    // PRs 0–59 start 3 s apart; PR 60 waits for PR 0 to be an hour old (3600 s); PR 99 starts at 3600 + 39·3 s.
    expect(estimate.durationMs).toBe((3_600 + 39 * 3 + 2) * 1_000);
    expect(estimate.bottleneck).toBe('pr-rate');
    expect(estimate.perHour['pr-rate']).toBe(60);
  });

  it('honours a tight per-minute budget', () => {
    const estimate = estimatePrCreation(10, { githubWritesPerMinute: 6, githubWritesPerHour: 400 });

    // Six writes per sliding minute: bursts of six writes (two PRs) at 0, 60, 120… s, 1 s apart; the 30th write is
    // the last of the fifth burst, at 4·60 + 5 s.
    expect(estimate.durationMs).toBe(245_000);
    expect(estimate.bottleneck).toBe('github-writes');
  });
});
