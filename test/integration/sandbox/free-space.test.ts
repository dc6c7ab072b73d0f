import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lowSpace } from '../../../src/sandbox/shared/free-space.js';
import { ensureBuilt } from '../../support/built-cli.js';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { branchSha } from '../../support/git.js';
import { jobFixture } from '../../support/job-fixture.js';
import { tempDir } from '../../support/temp.js';

describe('the host disk safety floor', () => {
  it('stops a command when the workspace filesystem is below the floor, whatever sandbox.disk says', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    // A floor no machine can meet stands for a disk that a runaway step has just filled.
    const io = captureIo(fx.root, testEnv({ FLEETMOD_MIN_FREE_DISK: '1000TiB', FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', fx.job);

    // The machine's disk, not the repository: the run stops (exit 3) with the repository still pending.
    expect(code).toBe(3);
    expect(io.out() + io.err()).toMatch(/host disk nearly full: \d+ MiB left on the filesystem of the workspace, under the safety floor/);
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBeNull();
  });

  it('says nothing while there is room', async () => {
    expect(await lowSpace(process.cwd(), 1)).toBeNull();
    expect(await lowSpace(process.cwd(), Number.MAX_SAFE_INTEGER)).toMatch(/^host disk nearly full/);
  });
});

describe('the host inode safety floor', () => {
  // Empty files take no blocks, only inodes: a step could use up the filesystem's inodes — and with them every
  // file creation on the host — while the byte floor and sandbox.disk saw almost nothing used. A filesystem of a
  // few hundred inodes stands for the host's, in a mount namespace of its own (root only: mounting needs it).
  it.skipIf(process.getuid?.() !== 0 || !existsSync('/usr/bin/unshare'))('reports a filesystem nearly out of inodes, with bytes to spare (root with /usr/bin/unshare only: it mounts a 400-inode tmpfs in a mount namespace of its own; CI runs as root)', async () => {
    await ensureBuilt();
    const dir = await tempDir();
    const script = [
      `const { lowSpace } = await import(${JSON.stringify(path.resolve('dist/sandbox/shared/free-space.js'))});`,
      "const fs = await import('node:fs');",
      'const dir = process.argv[1];',
      'const before = await lowSpace(dir, 1);',
      "for (let i = 0; ; i += 1) { try { fs.writeFileSync(`${dir}/f${i}`, ''); } catch { break; } }",
      "fs.rmSync(`${dir}/f0`); fs.rmSync(`${dir}/f1`);",
      'console.log(JSON.stringify({ before, after: await lowSpace(dir, 1) }));',
    ].join('\n');
    const { stdout } = await promisify(execFile)('/usr/bin/unshare', [
      '--mount', '--propagation', 'private', '/bin/sh', '-c',
      'mount -t tmpfs -o size=64m,nr_inodes=400 fleetmod-test "$1" && exec "$2" --input-type=module -e "$3" "$1"',
      'sh', dir, process.execPath, script,
    ]);
    const { before, after } = JSON.parse(stdout) as { before: string | null; after: string | null };

    expect(before).toBeNull();
    expect(after).toMatch(/^host disk nearly full: \d+ inodes? left on the filesystem of the workspace, under the safety floor of \d+$/);
  });
});
