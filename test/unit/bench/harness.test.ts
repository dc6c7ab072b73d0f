/** A smoke test of the benchmark harness (the benchmarks themselves run with `npm run bench`, never in tests). */
import { describe, expect, it } from 'vitest';
import { alternate } from '../../../bench/harness/alternate.js';
import { childrenCpuSeconds, runMeasuringCpu } from '../../../bench/harness/process-tree-cpu.js';
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

  it("counts the CPU of a command's whole process tree, grandchildren included, and leaves its output, descriptors and exit code alone", async () => {
    // A shell whose child burns CPU in a grandchild: only a count over the whole tree sees it.
    const burn = 'sh -c \'i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done\'; [ -e /proc/self/fd/3 ] && echo "fd 3 leaked"; echo out; echo err >&2; exit 3';

    const done = await runMeasuringCpu('sh', ['-c', burn], { cwd: process.cwd(), env: process.env });

    expect(done.code).toBe(3);
    expect(done.stdout).toBe('out\n');
    expect(done.stderr).toBe('err\n');
    expect(done.cpuSeconds).toBeGreaterThan(0.05);
    expect(done.cpuSeconds).toBeLessThanOrEqual(done.ms / 1000 * 2 + 0.05);
  });

  it("reads the children's line of bash's times", () => {
    expect(childrenCpuSeconds('0m0.001s 0m0.002s\n1m2.500s 0m0.250s\n')).toBe(62.75);
    expect(childrenCpuSeconds('0m0.001s 0m0.002s\n')).toBeUndefined();
  });
});
