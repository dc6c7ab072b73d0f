/** A --state-dir or --db that cannot hold the journal is a usage problem: a clear message and exit 2, no stack trace. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const JOB = ['name: journal-place', 'repos: [./target.git]', 'steps: [{run: echo fixed}]', 'change: {branch: fleetmod/x, commit: {message: Fix}}', ''].join('\n');

describe('the journal folder', () => {
  it.each([
    ['--state-dir', 'afile'],
    ['--db', 'afile/fleetmod.db'],
  ])('%s %s, under a file: exit 2 saying the folder is a file', async (option, value) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'afile'), 'not a folder\n');
    await writeFile(path.join(dir, 'job.yaml'), JOB);
    const io = captureIo(dir);

    const code = await cli(io, 'run', 'job.yaml', option, value);

    expect(code).toBe(2);
    expect(io.err()).toContain(`cannot create the folder of the journal ${path.join(dir, 'afile', 'fleetmod.db')}: ${path.join(dir, 'afile')} or a folder above it is a file`);
    expect(io.err()).not.toContain('unexpected error');
  });
});
