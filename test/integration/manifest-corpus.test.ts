/**
 * The invalid-manifest corpus: every test/fixtures/manifests/invalid/NAME.yaml has NAME.expected, the exact
 * stderr of `fleetmod validate NAME.yaml` (file:line:col: message, then the summary). Each one must make
 * `validate` exit 2 with exactly that output, and make `run` exit 2 with the same errors having run nothing:
 * no journal, no run folder, the target repository untouched. A valid control job proves that a run would
 * have left those traces.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { git } from '../support/git.js';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/manifests/invalid');
const names = (await readdir(CORPUS)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();

let work: string;
let target: string;

async function targetState(): Promise<string> {
  return git(target, 'for-each-ref', '--format=%(refname) %(objectname)');
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-corpus-'));
  await cp(CORPUS, work, { recursive: true });
  const seed = path.join(work, 'seed');
  target = path.join(work, 'target.git');
  await git(work, 'init', '-q', '-b', 'main', seed);
  await writeFile(path.join(seed, 'README.md'), '# target\n');
  await git(seed, 'add', '.');
  await git(seed, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  await git(work, 'clone', '-q', '--bare', seed, target);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('invalid manifest corpus', () => {
  it('has at least 40 cases, each with its .expected file', async () => {
    const expected = (await readdir(CORPUS)).filter((f) => f.endsWith('.expected')).map((f) => f.slice(0, -'.expected'.length));

    expect(names.length).toBeGreaterThanOrEqual(40);
    expect(expected.sort()).toEqual(names);
  });

  it.each(names)('%s: validate exits 2 with the exact messages; run exits 2 and runs nothing', async (name) => {
    const expected = await readFile(path.join(CORPUS, `${name}.expected`), 'utf8');
    const errorLines = expected.split('\n').filter((line) => /:\d+:\d+: (?!warning: )/.test(line));
    const before = await targetState();

    const validate = captureIo(work);
    const validateCode = await cli(validate, 'validate', `${name}.yaml`);
    const run = captureIo(work);
    const runCode = await cli(run, 'run', `${name}.yaml`);

    expect(validateCode).toBe(2);
    expect(validate.err()).toBe(expected);
    expect(validate.out()).toBe('');
    expect(errorLines.length).toBeGreaterThan(0);
    expect(runCode).toBe(2);
    for (const line of errorLines) expect(run.err()).toContain(line);
    expect(run.out()).toBe('');
    expect(existsSync(path.join(work, '.fleetmod'))).toBe(false);
    expect(await targetState()).toBe(before);
  });

  it('control: a valid job on the same target does leave a journal and a pushed branch', async () => {
    await writeFile(
      path.join(work, 'control.yaml'),
      [
        'name: control',
        'repos: [./target.git]',
        'sandbox: {provider: host}',
        'steps:',
        '  - run: echo fixed > FIXED.txt',
        'change:',
        '  branch: fleetmod/control',
        '  commit: {message: Control change}',
        '',
      ].join('\n'),
    );
    const before = await targetState();
    const io = captureIo(work);

    const code = await cli(io, 'run', 'control.yaml');

    expect(code).toBe(0);
    expect(existsSync(path.join(work, '.fleetmod', 'fleetmod.db'))).toBe(true);
    expect(await targetState()).not.toBe(before);
    expect(await targetState()).toContain('refs/heads/fleetmod/control');
    await rm(path.join(work, '.fleetmod'), { recursive: true, force: true });
  });
});
