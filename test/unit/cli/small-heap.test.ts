import { describe, expect, it } from 'vitest';
import { SMALL_HEAP_FROM_REPOS, wantsSmallHeap } from '../../../src/cli/small-heap.js';

describe('which runs prefer a small heap to speed', () => {
  it('a run of a thousand repositories or more does; a smaller one does not', () => {
    expect(SMALL_HEAP_FROM_REPOS).toBe(1_000);
    expect(wantsSmallHeap(0)).toBe(false);
    expect(wantsSmallHeap(200)).toBe(false);
    expect(wantsSmallHeap(999)).toBe(false);
    expect(wantsSmallHeap(1_000)).toBe(true);
    expect(wantsSmallHeap(10_000)).toBe(true);
  });
});
