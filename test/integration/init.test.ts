/** `fleetmod init`: a commented starter job that validates as is, with a working schema line; never overwrites. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_SCHEMA_FILE } from '../../src/manifest/json-schema.js';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

describe('fleetmod init', () => {
  it('writes NAME.yaml with the yaml-language-server line pointing at the schema, and it validates cleanly', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    const code = await cli(io, 'init', 'rename-fetch');

    expect(code).toBe(0);
    expect(io.out()).toBe('wrote rename-fetch.yaml: edit repos and steps, then fleetmod validate rename-fetch.yaml and fleetmod plan rename-fetch.yaml\n');
    const text = await readFile(path.join(dir, 'rename-fetch.yaml'), 'utf8');
    const schemaLine = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    expect(schemaLine).not.toBeNull();
    expect(path.resolve(dir, schemaLine![1]!)).toBe(JOB_SCHEMA_FILE);
    expect(text).toContain('\nname: rename-fetch\n');
    const check = captureIo(dir);
    expect(await cli(check, 'validate', 'rename-fetch.yaml')).toBe(0);
    expect(check.err()).toBe('');
  });

  it('accepts a path, creating its folder, and names the job after the file', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'init', 'jobs/node20.yaml')).toBe(0);

    const text = await readFile(path.join(dir, 'jobs', 'node20.yaml'), 'utf8');
    expect(text).toContain('\nname: node20\n');
    expect(path.resolve(dir, 'jobs', /\$schema=(\S+)/.exec(text)![1]!)).toBe(JOB_SCHEMA_FILE);
    expect(await cli(captureIo(dir), 'validate', 'jobs/node20.yaml')).toBe(0);
  });

  it('names a path with a space quoted in the commands it suggests, so they work when pasted', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'init', 'my jobs/rename.yaml')).toBe(0);

    expect(io.out()).toBe("wrote my jobs/rename.yaml: edit repos and steps, then fleetmod validate 'my jobs/rename.yaml' and fleetmod plan 'my jobs/rename.yaml'\n");
  });

  it('refuses to overwrite an existing file and leaves it as it was', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'my-job.yaml'), 'mine\n');
    const io = captureIo(dir);

    const code = await cli(io, 'init');

    expect(code).toBe(2);
    expect(io.err()).toBe('fleetmod: my-job.yaml already exists; it was left as it is (choose another name or remove it first)\n');
    expect(await readFile(path.join(dir, 'my-job.yaml'), 'utf8')).toBe('mine\n');
  });

  it('a path that cannot be written is a usage error naming why, also under a filesystem that refuses every folder', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'notes'), 'a file\n');
    const underFile = captureIo(dir);
    const underProc = captureIo(dir);

    expect(await cli(underFile, 'init', 'notes/job.yaml')).toBe(2);
    // Node's recursive mkdir never returns for a path like this one.
    expect(await cli(underProc, 'init', '/proc/fleetmod-nope/job.yaml')).toBe(2);

    expect(underFile.err()).toBe('fleetmod: cannot write notes/job.yaml: a folder above it is a file\n');
    expect(underProc.err()).toMatch(/^fleetmod: cannot write \/proc\/fleetmod-nope\/job\.yaml: /);
  });

  it('refuses a name that cannot be a job name', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'init', 'My Job')).toBe(2);

    expect(io.err()).toBe('fleetmod: "My Job" cannot be a job name: use lower-case letters, digits, ".", "_" and "-" (e.g. "rename-fetch")\n');
    expect(existsSync(path.join(dir, 'My Job.yaml'))).toBe(false);
  });

  it.each([
    ['a..b', 'a branch name cannot contain ".."'],
    ['x.lock', 'a branch name component cannot end with ".lock" ("x.lock")'],
    ['x.', 'a branch name cannot end with "."'],
  ])('refuses %s, whose starter branch git would refuse: %s', async (name, why) => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'init', name)).toBe(2);

    expect(io.err()).toBe(`fleetmod: "${name}" cannot be a job name: its branch "fleetmod/${name}" is not valid (${why}); choose another name\n`);
    expect(existsSync(path.join(dir, `${name}.yaml`))).toBe(false);
  });
});
