/** Environment values reach the steps as written in the manifest, also when YAML would read them as numbers. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load.js';

const FILE = path.resolve('/jobs/job.yaml');

async function load(lines: string[]) {
  const result = await parseManifest(`${lines.join('\n')}\n`, { file: FILE, displayPath: 'job.yaml' });
  expect(result.errors).toEqual([]);
  return result.job!;
}

describe('env values', () => {
  it('keep the text of unquoted numbers and booleans as written', async () => {
    const job = await load([
      'name: env-values',
      'repos: [./a.git]',
      'sandbox:',
      '  env: {VERSION: 1.10, ZIP: 01234, BIG: 12345678901234567890, OCT: 0o17, HEX: 0x1F, EXP: 1e3, ON: True, N: 3, TEXT: "1.10"}',
      'steps:',
      '  - run: echo',
      '    env: {NODE: 20.10}',
      'change: {branch: b, commit: {message: m}}',
    ]);

    expect(job.sandbox.env).toEqual({
      VERSION: '1.10',
      ZIP: '01234',
      BIG: '12345678901234567890',
      OCT: '0o17',
      HEX: '0x1F',
      EXP: '1e3',
      ON: 'True',
      N: '3',
      TEXT: '1.10',
    });
    expect(job.steps[0]?.env).toEqual({ NODE: '20.10' });
  });

  it('do so in every env map: repos, verify and candidates too', async () => {
    const job = await load([
      'name: env-values',
      'repos:',
      '  - {repo: ./a.git, env: {R: 1.10}}',
      'steps: [{run: echo}]',
      'verify: [{run: "true", env: {V: 2.50}}]',
      'candidates: [{name: one, env: {C: 007}}]',
      'change: {branch: b, commit: {message: m}}',
    ]);

    expect(job.repos[0]).toMatchObject({ env: { R: '1.10' } });
    expect(job.verify[0]?.env).toEqual({ V: '2.50' });
    expect(job.candidates[0]?.env).toMatchObject({ C: '007' });
  });
});
