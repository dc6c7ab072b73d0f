import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkPaths, walkTree } from '../../../src/util/tree-walk.js';
import { eventLoopTurnsDuring, makeLargeTree } from '../../support/large-tree.js';
import { tempDir } from '../../support/temp.js';

describe('walking a checkout on the host', () => {
  it('visits every entry below the root once, skips what it is told to, and never descends through a link', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, 'secret'), 'x');
    await mkdir(path.join(root, 'src', 'deep'), { recursive: true });
    await mkdir(path.join(root, '.git'));
    await writeFile(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(root, 'src', 'deep', 'a.js'), 'a');
    await writeFile(path.join(root, 'README'), 'r');
    await symlink(outside, path.join(root, 'src', 'out'));

    const withStats: string[] = [];
    await walkTree(root, ({ relative, stats }) => void withStats.push(`${relative}:${stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'dir' : 'file'}`), {
      skip: new Set(['.git']),
    });
    const byName: string[] = [];
    await walkPaths(root, (full) => void byName.push(path.relative(root, full)), new Set(['.git']));

    expect(withStats.sort()).toEqual(['README:file', 'src/deep/a.js:file', 'src/deep:dir', 'src/out:link', 'src:dir']);
    expect(byName.sort()).toEqual(['', 'README', 'src', 'src/deep', 'src/deep/a.js', 'src/out']);
  });

  it('lets other work run while it walks a large tree', async () => {
    const root = await tempDir();
    await makeLargeTree(root);

    let visited = 0;
    const turns = await eventLoopTurnsDuring(() => walkTree(root, () => void (visited += 1)));

    expect(visited).toBe(20 + 20 * 250);
    // Walked in one go, the event loop would not have turned once before the walk ended.
    expect(turns).toBeGreaterThan(0);
  });
});
