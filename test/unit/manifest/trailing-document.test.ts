/** A `---` that ends a manifest with nothing after it is not a second job; one with a job after it is. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

const JOB = ['name: x', 'repos: [acme/api]', 'steps:', '  - run: echo fixed', 'change:', '  branch: fleetmod/x', '  commit: {message: Fix}'];

async function errorsOf(lines: string[]): Promise<string[]> {
  const loaded = await parseManifest(`${lines.join('\n')}\n`, { file: '/jobs/job.yaml', displayPath: 'job.yaml' });
  return loaded.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
}

describe('a manifest ending in a document marker', () => {
  it.each([
    ['a bare ---', ['---']],
    ['--- and comments', ['---', '# the next job lives in its own file', '']],
    ['... then ---', ['...', '---']],
    ['a CRLF ---', ['---\r']],
  ])('is one job with %s after it', async (_, tail) => {
    expect(await errorsOf([...JOB, ...tail])).toEqual([]);
  });

  it('is still refused when a second job follows, at its ---', async () => {
    expect(await errorsOf([...JOB, '---', 'name: y'])).toEqual([
      '8:1: YAML syntax: a manifest holds one job; remove the `---` and write each further job in its own file',
    ]);
  });
});
