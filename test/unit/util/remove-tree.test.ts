import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTree } from '../../../src/util/remove-tree.js';
import { eventLoopTurnsDuring, makeLargeTree } from '../../support/large-tree.js';
import { tempDir } from '../../support/temp.js';

describe('removing a checkout', () => {
  it('removes every file and folder, and removes links without touching what they point at', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, 'keep'), 'k');
    const checkout = path.join(root, 'checkout');
    await mkdir(path.join(checkout, '.git', 'objects', 'ab'), { recursive: true });
    await writeFile(path.join(checkout, '.git', 'objects', 'ab', 'cdef'), 'o');
    await mkdir(path.join(checkout, 'src', 'deep', 'deeper'), { recursive: true });
    await writeFile(path.join(checkout, 'src', 'deep', 'deeper', 'a.js'), 'a');
    await writeFile(path.join(checkout, 'README'), 'r');
    await symlink(outside, path.join(checkout, 'src', 'dir-link'));
    await symlink(path.join(outside, 'keep'), path.join(checkout, 'file-link'));

    await removeTree(checkout);

    expect(existsSync(checkout)).toBe(false);
    expect(await readdir(root)).toEqual([]);
    expect(await readdir(outside)).toEqual(['keep']);
  });

  it('removes only the link when given a link to a folder', async () => {
    const root = await tempDir();
    const target = path.join(root, 'target');
    await mkdir(target);
    await writeFile(path.join(target, 'keep'), 'k');
    await symlink(target, path.join(root, 'link'));

    await removeTree(path.join(root, 'link'));

    expect((await readdir(root)).sort()).toEqual(['target']);
    expect(await readdir(target)).toEqual(['keep']);
  });

  it('is done when there is nothing to remove', async () => {
    const root = await tempDir();
    await expect(removeTree(path.join(root, 'never-made'))).resolves.toBeUndefined();
  });

  it('still removes a tree the fast path cannot (a folder without permissions, as a non-root user)', async () => {
    const root = await tempDir();
    const checkout = path.join(root, 'checkout');
    await mkdir(path.join(checkout, 'locked'), { recursive: true });
    await writeFile(path.join(checkout, 'locked', 'f'), 'f');
    await chmod(path.join(checkout, 'locked'), 0o300);

    await removeTree(checkout);

    expect(existsSync(checkout)).toBe(false);
  });

  it('lets other work run while it removes a large tree', async () => {
    const root = await tempDir();
    const checkout = path.join(root, 'checkout');
    await makeLargeTree(checkout);

    const turns = await eventLoopTurnsDuring(() => removeTree(checkout));

    expect(existsSync(checkout)).toBe(false);
    // Removed in one go, the event loop would not have turned once before the removal ended.
    expect(turns).toBeGreaterThan(0);
  });
});
