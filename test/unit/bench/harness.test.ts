/** A smoke test of the benchmark harness (the benchmarks themselves run with `npm run bench`, never in tests). */
import { describe, expect, it } from 'vitest';
import { alternate } from '../../../bench/harness/alternate.js';
import { pairRatio, target } from '../../../bench/harness/result.js';
import { median, percentile } from '../../../bench/harness/stats.js';

describe('benchmark harness', () => {
  it('runs the contenders alternately, taking turns at going first (A B, B A, A B), and takes ratios pair by pair', async () => {
    const order: string[] = [];

    const { a, b } = await alternate({
      pairs: 3,
      a: async (round) => (order.push(`a${round}`), 10 * (round + 1)),
      b: async (round) => (order.push(`b${round}`), 5 * (round + 1)),
    });

    expect(order).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    expect(pairRatio('a', 'b', a, b)).toEqual({ of: 'a', to: 'b', perPair: [2, 2, 2], median: 2 });
  });

  it('medians, percentiles and targets', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(target('x', '<=', 1.1, 1.1, 'x').met).toBe(true);
    expect(target('x', '<', 15, 15, ' ms').met).toBe(false);
  });
});
