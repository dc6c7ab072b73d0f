import { describe, expect, it } from 'vitest';
import { ASSUMED_DURATION_MS, estimateE2bCost, pricePerSandboxSecond, renderCostEstimate, sandboxCostUsd } from '../../../src/sandbox/e2b/cost.js';

const DEFAULTS = { vcpu: 2, memoryMb: 512, priceVcpuSecond: 0.000014, priceGibSecond: 0.0000045 };

describe('E2B cost', () => {
  it('prices the default sandbox (2 vCPU, 512 MiB) at E2B\'s published ~$0.109 per hour', () => {
    expect(pricePerSandboxSecond(DEFAULTS)).toBeCloseTo(0.00003025, 12);
    expect(pricePerSandboxSecond(DEFAULTS) * 3600).toBeCloseTo(0.1089, 6);
    expect(pricePerSandboxSecond({ ...DEFAULTS, vcpu: 8, memoryMb: 4096 }) * 3600).toBeCloseTo(0.468, 6);
    expect(sandboxCostUsd(120, DEFAULTS)).toBeCloseTo(120 * 0.00003025, 12);
  });

  it('estimates a job from its expected duration, its worst case, and the limits that bound its wall time', () => {
    const estimate = estimateE2bCost({
      repos: 300,
      sandbox: { timeoutMs: 30 * 60_000, e2b: { ...DEFAULTS, expectedDurationMs: 2 * 60_000 } },
      limits: { concurrency: 20, sandboxes: 20, sandboxRate: { count: 1, perMs: 1000 }, retries: 2 },
    });

    expect(estimate.sandboxes).toBe(300);
    expect(estimate.assumedDuration).toBe(false);
    expect(estimate.sandboxHours.expected).toBeCloseTo(10, 9);
    expect(estimate.costUsd.expected).toBeCloseTo(10 * 0.1089, 9);
    // Every sandbox alive for its whole lifetime (30m budget + 2 × 2m housekeeping + 1m) on all 3 attempts.
    expect(estimate.sandboxHours.max).toBeCloseTo((300 * 3 * 35) / 60, 9);
    expect(estimate.costUsd.max).toBeCloseTo(estimate.sandboxHours.max * 0.1089, 9);
    // 15 waves of 20 sandboxes × 2 minutes = 30 min; creating 300 at 1/s takes only 5 min.
    expect(estimate.minWallClockMs).toBe(15 * 2 * 60_000);
  });

  it('lets the creation rate bound the wall time when sandboxes are short, and says when the duration is assumed', () => {
    const estimate = estimateE2bCost({
      repos: 1000,
      candidates: 2,
      sandbox: { timeoutMs: 3 * 60_000, e2b: DEFAULTS },
      limits: { concurrency: 100, sandboxes: 100, sandboxRate: { count: 5, perMs: 1000 }, retries: 0 },
    });

    expect(estimate.sandboxes).toBe(2000);
    expect(estimate.assumedDuration).toBe(true);
    expect(estimate.expectedPerSandboxMs).toBe(Math.min(ASSUMED_DURATION_MS, 3 * 60_000));
    expect(estimate.minWallClockMs).toBe(Math.max((2000 - 5) * 200, 20 * 3 * 60_000));
  });

  it('renders the estimate for fleetmod plan', () => {
    const estimate = estimateE2bCost({
      repos: 100,
      sandbox: { timeoutMs: 10 * 60_000, e2b: DEFAULTS },
      limits: { concurrency: 20, sandboxes: 20, sandboxRate: { count: 1, perMs: 1000 }, retries: 2 },
    });

    expect(renderCostEstimate(estimate, DEFAULTS)).toEqual([
      'E2B: 100 sandboxes, 2 vCPU / 512 MiB each at $0.1089 per sandbox-hour',
      '  expected  8.33 sandbox-hours ≈ $0.9075  (5m per sandbox, assumed: set sandbox.e2b.expected-duration)',
      '  at most   75 sandbox-hours ≈ $8.17  (every sandbox using its whole lifetime on every attempt)',
      '  wall clock at least 25m  (20 sandboxes at once)',
    ]);
  });

  it('with candidates, each repo in flight holds one sandbox per candidate: concurrency × candidates bounds what runs at once', () => {
    const estimate = (concurrency: number, sandboxes: number | undefined) =>
      estimateE2bCost({
        repos: 20,
        candidates: 3,
        sandbox: { timeoutMs: 10 * 60_000, e2b: { ...DEFAULTS, expectedDurationMs: 2 * 60_000 } },
        limits: { concurrency, ...(sandboxes !== undefined && { sandboxes }), retries: 0 },
      });

    // 4 repos at once × 3 candidates = 12 sandboxes wanted, 10 allowed: 60 sandboxes in 6 waves of 2 minutes.
    const limitedBySandboxes = estimate(4, 10);
    // 2 repos at once × 3 candidates = 6 of the 10 allowed: 10 waves.
    const limitedByRepos = estimate(2, 10);
    // No sandbox limit: it defaults to the concurrency (3), even though 3 repos would want 9.
    const defaultLimit = estimate(3, undefined);

    expect(limitedBySandboxes).toMatchObject({ sandboxes: 60, perRepo: 3, atOnce: 10, minWallClockMs: 12 * 60_000 });
    expect(limitedBySandboxes.sandboxHours.expected).toBeCloseTo(2, 9);
    expect(limitedByRepos).toMatchObject({ atOnce: 6, minWallClockMs: 20 * 60_000 });
    expect(defaultLimit).toMatchObject({ atOnce: 3, minWallClockMs: 40 * 60_000 });
    expect(renderCostEstimate(limitedBySandboxes, DEFAULTS)).toEqual([
      'E2B: 60 sandboxes (3 per repo), 2 vCPU / 512 MiB each at $0.1089 per sandbox-hour',
      '  expected  2.00 sandbox-hours ≈ $0.2178  (2m per sandbox)',
      // 60 sandboxes × (10m budget + 2 × 2m housekeeping + 1m) = 15 sandbox-hours.
      '  at most   15 sandbox-hours ≈ $1.63  (every sandbox using its whole lifetime on every attempt)',
      '  wall clock at least 12m  (10 sandboxes at once)',
    ]);
  });
});
