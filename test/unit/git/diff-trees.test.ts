import { describe, expect, it } from 'vitest';
import { createDiffTrees } from '../../../src/git/diff-trees.js';

describe('the trees recent diffs were taken to', () => {
  it('gives the tree for the same checkout, base and diff, once', () => {
    const trees = createDiffTrees();
    trees.remember('/w/a', 'base1', 'diff a', 'tree-a');

    expect(trees.take('/w/a', 'base1', 'diff a')).toBe('tree-a');
    expect(trees.take('/w/a', 'base1', 'diff a')).toBeUndefined();
  });

  it('gives none for another checkout, another base or another diff', () => {
    const trees = createDiffTrees();
    for (const [dir, base, diff] of [['/w/b', 'base1', 'diff a'], ['/w/a', 'base2', 'diff a'], ['/w/a', 'base1', 'diff b']] as const) {
      trees.remember('/w/a', 'base1', 'diff a', 'tree-a');
      expect(trees.take(dir, base, diff)).toBeUndefined();
    }
  });

  it('keeps the last diff of each checkout, and only the newest checkouts past its limit', () => {
    const trees = createDiffTrees(2);
    trees.remember('/w/a', 'base', 'first', 'tree-1');
    trees.remember('/w/a', 'base', 'second', 'tree-2');
    trees.remember('/w/b', 'base', 'b', 'tree-b');
    trees.remember('/w/c', 'base', 'c', 'tree-c');

    expect(trees.take('/w/a', 'base', 'second')).toBeUndefined();
    expect(trees.take('/w/b', 'base', 'b')).toBe('tree-b');
    expect(trees.take('/w/c', 'base', 'c')).toBe('tree-c');
  });
});
