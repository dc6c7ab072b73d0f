/**
 * A job with one candidate (`candidates: 1`, or a list of one named variant) runs no contest and journals no
 * candidates, but `{{ candidate.name }}` must still render that candidate's name, as validate promised.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

async function oneCandidateJob(candidates: string): Promise<{ root: string; target: string }> {
  const root = await tempDir('fleetmod-one-candidate-');
  const seed = path.join(root, 'seed');
  const target = path.join(root, 'target.git');
  await git(root, 'init', '-q', '-b', 'main', seed);
  await writeFile(path.join(seed, 'README.md'), '# target\n');
  await git(seed, 'add', '.');
  await git(seed, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  await git(root, 'clone', '-q', '--bare', seed, target);
  await writeFile(
    path.join(root, 'job.yaml'),
    [
      'name: one-candidate',
      'repos: [./target.git]',
      'sandbox: {provider: host}',
      'steps:',
      '  - run: echo changed >> README.md',
      candidates,
      'change:',
      '  branch: fleetmod/one',
      '  commit: {message: "Change by {{ candidate.name }}"}',
      '',
    ].join('\n'),
  );
  return { root, target };
}

describe('a job with a single candidate', () => {
  it.each([
    ['a list of one named variant', 'candidates:\n  - name: careful', 'careful'],
    ['candidates: 1', 'candidates: 1', 'candidate-1'],
  ])('%s: {{ candidate.name }} is its name', async (_, candidates, name) => {
    const { root, target } = await oneCandidateJob(candidates);
    const io = captureIo(root);

    const code = await cli(io, 'run', 'job.yaml');

    expect(code, io.out() + io.err()).toBe(0);
    expect(await git(target, 'log', '-1', '--format=%s', 'fleetmod/one')).toBe(`Change by ${name}\n`);
  });
});
