/**
 * The suite's files share their worker's modules unless they are named `*.isolated.test.ts` (vitest.config.ts). A
 * file that replaces a module with `vi.mock` must have modules of its own: in a shared worker the real module may
 * already be loaded, and the mock then depends on which files ran before.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';

const TEST_ROOT = path.resolve(import.meta.dirname, '..');

async function testFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await testFiles(full)));
    else if (entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

it('every test file that mocks a module is named *.isolated.test.ts', async () => {
  const files = await testFiles(TEST_ROOT);
  const mocking: string[] = [];
  for (const file of files) if (/\bvi\.(mock|doMock)\(/.test(await readFile(file, 'utf8'))) mocking.push(path.relative(TEST_ROOT, file));

  expect(mocking.length).toBeGreaterThan(0);
  expect(mocking.filter((file) => !file.endsWith('.isolated.test.ts'))).toEqual([]);
});
