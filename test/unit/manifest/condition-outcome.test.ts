/** A misspelt outcome in a condition is an error, also for a step whose name contains dots. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

describe('an outcome comparison in a condition', () => {
  it('refuses a misspelt outcome after a step named with a dot', async () => {
    const text = [
      'name: dotstep',
      'repos: [acme/api]',
      'steps:',
      '  - name: build.js',
      '    run: echo',
      '  - name: fix',
      "    if: steps.build.js.outcome == 'sucess'",
      '    run: echo',
      'change:',
      '  branch: b',
      '  commit: {message: m}',
      '',
    ].join('\n');

    const loaded = await parseManifest(text, { file: '/jobs/job.yaml' });

    expect(loaded.errors.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      "7:35: steps[1].if: 'sucess' is not a step outcome; did you mean 'success'? (an outcome is 'success', 'failure', 'skipped' or 'timeout')",
    ]);
  });
});

describe('a condition on a later step named with a dot', () => {
  it('says that step runs after this one', async () => {
    const text = [
      'name: dotstep',
      'repos: [acme/api]',
      'steps:',
      '  - name: fix',
      "    if: steps.build.js.outcome == 'success'",
      '    run: echo',
      '  - name: build.js',
      '    run: echo',
      'change:',
      '  branch: b',
      '  commit: {message: m}',
      '',
    ].join('\n');

    const loaded = await parseManifest(text, { file: '/jobs/job.yaml' });

    expect(loaded.errors.map((d) => d.message)).toEqual(['steps[0].if: unknown variable "steps.build.js.outcome": step "build.js" runs after this one']);
  });
});
