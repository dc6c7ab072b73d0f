import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('fleetmod validate', () => {
  it('says the bundled demo job is valid', async () => {
    const io = captureIo(ROOT);

    const code = await cli(io, 'validate', 'jobs/examples/demo.yaml');

    expect(code).toBe(0);
    expect(io.out()).toContain('jobs/examples/demo.yaml: valid');
  });

  it('prints every error with file:line:col and exits 2; run refuses the same file and runs nothing', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'broken.yaml'),
      [
        'name: Broken Name',
        'repos: []',
        'stepz:',
        '  - run: echo hi',
        'steps:',
        '  - name: a',
        '    run: echo {{ repo.nmae }}',
        '    timeout: 30',
        'change:',
        '  branch: fleetmod/x',
        '  commit: {}',
        '',
      ].join('\n'),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'broken.yaml');

    expect(code).toBe(2);
    const lines = io.err().trim().split('\n');
    expect(lines).toEqual([
      'broken.yaml:1:7: name: name is lower-case letters, digits, ".", "_" and "-"',
      'broken.yaml:2:8: repos: repos must list at least one repository',
      'broken.yaml:3:1: unknown key "stepz" in manifest; did you mean "steps"?',
      'broken.yaml:8:14: steps[0].timeout: timeout needs a unit: write "30s" or "30m", not a bare number',
      'broken.yaml:11:11: change.commit: missing required key "message"',
      'broken.yaml: invalid (5 errors)',
    ]);

    const run = captureIo(dir);
    expect(await cli(run, 'run', 'broken.yaml')).toBe(2);
    expect(run.err()).toContain('broken.yaml:3:1: unknown key "stepz"');
    expect(existsSync(path.join(dir, '.fleetmod'))).toBe(false);
  });

  it('reports YAML syntax errors at their position', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.yaml'), 'name: x\nrepos:\n  - a/b\n  bad: [\n');
    const io = captureIo(dir);

    expect(await cli(io, 'validate', 'bad.yaml')).toBe(2);
    expect(io.err()).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('reports an unknown template variable with a suggestion once the schema passes', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      'name: t\nrepos: [./r]\nsteps:\n  - run: echo {{ repo.nmae }}\nchange:\n  branch: b\n  commit:\n    message: m\n',
    );
    const io = captureIo(dir);

    expect(await cli(io, 'validate', 'job.yaml')).toBe(2);
    expect(io.err()).toContain('job.yaml:4:10: unknown template variable "repo.nmae"; did you mean "repo.name"?');
  });
});
