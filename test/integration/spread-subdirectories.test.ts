/**
 * The "top of directory hierarchy" flag on the folders where checkouts and mirrors come and go
 * (spread-subdirectories.ts): set where the filesystem has it, a quiet no-op where it does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spreadSubdirectories } from '../../src/util/spread-subdirectories.js';
import { attributesOf, canSetAttributes, filesystemOf } from '../support/file-attributes.js';
import { tempDir } from '../support/temp.js';

const canFlag = canSetAttributes(os.tmpdir());

describe('spreadSubdirectories', () => {
  // Runs where the temporary folder is on ext2/3/4 and e2fsprogs is installed (this machine and CI); elsewhere
  // there is no flag to look for.
  it.skipIf(!canFlag)('flags a folder on ext4 as the top of a hierarchy', async () => {
    const dir = await tempDir();
    expect(attributesOf(dir)).not.toContain('T');

    expect(await spreadSubdirectories(dir)).toBe(true);

    expect(attributesOf(dir)).toContain('T');
    // Idempotent: a resumed run flags its folder again.
    expect(await spreadSubdirectories(dir)).toBe(true);
  });

  it('answers false, and changes nothing, where the flag cannot be set', async () => {
    const shm = '/dev/shm';
    if (filesystemOf(shm) === 'tmpfs') {
      const dir = mkdtempSync(path.join(shm, 'fleetmod-test-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      expect(await spreadSubdirectories(dir)).toBe(false);
    }
    expect(await spreadSubdirectories(path.join(await tempDir(), 'not-there'))).toBe(false);
  });
});
