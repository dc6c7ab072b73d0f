import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GIT_SCRATCH_PREFIXES } from '../../../src/git/change-scripts.js';
import { LOCAL_TEMP_PREFIXES, SANDBOX_SCRATCH_PREFIX } from '../../../src/sandbox/local/temp-names.js';
import { makeOwnedTempDir, removeLeftoverTempDirs } from '../../../src/util/owned-temp.js';
import { tempDir } from '../../support/temp.js';

/** The pid of a process that has just ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('temporary folders left by a killed fleetmod (sandbox scratch, /etc copies, identities, probes, git scripts)', () => {
  it('are named after the process that made them', async () => {
    const root = await tempDir();
    const dir = await makeOwnedTempDir(root, SANDBOX_SCRATCH_PREFIX);
    expect(path.basename(dir)).toMatch(new RegExp(`^fleetmod-sbx-${process.pid}-[A-Za-z0-9]{6}$`));
  });

  it('are removed when their process is gone; those of live processes, this one and anything else stay', async () => {
    const root = await tempDir();
    const gone = await deadPid();
    const live = spawn('sleep', ['30']);
    try {
      const prefixes = [...LOCAL_TEMP_PREFIXES, ...GIT_SCRATCH_PREFIXES];
      const leftovers = prefixes.map((prefix) => `${prefix}${gone}-AbC123`);
      const kept = [`fleetmod-sbx-${live.pid}-XyZ789`, `fleetmod-sbx-${process.pid}-Mine00`, `fleetmod-sbx-${gone}`, `other-${gone}-AbC123`, 'fleetmod-sbx-notapid-AbC123'];
      for (const name of [...leftovers, ...kept]) await mkdir(path.join(root, name, 'inner'), { recursive: true });

      expect(await removeLeftoverTempDirs(root, prefixes)).toBe(leftovers.length);

      expect((await readdir(root)).sort()).toEqual([...kept].sort());
      expect(existsSync(path.join(root, `fleetmod-sbx-${live.pid}-XyZ789`, 'inner'))).toBe(true);
    } finally {
      live.kill();
    }
  });
});
