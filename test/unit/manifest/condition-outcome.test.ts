/** Conditions on steps whose names contain dots: misspelt outcomes and later steps are caught like any other. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

/** The errors of a job with these step lines (each already indented as a list item of `steps:`). */
async function errorsWithSteps(steps: string[]): Promise<string[]> {
  const text = ['name: dotstep', 'repos: [acme/api]', 'steps:', ...steps, 'change:', '  branch: b', '  commit: {message: m}', ''].join('\n');
  const loaded = await parseManifest(text, { file: '/jobs/job.yaml' });
  return loaded.errors.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

describe('an outcome comparison in a condition', () => {
  it('refuses a misspelt outcome after a step named with a dot', async () => {
    const errors = await errorsWithSteps(['  - name: build.js', '    run: echo', '  - name: fix', "    if: steps.build.js.outcome == 'sucess'", '    run: echo']);

    expect(errors).toEqual([
      "7:35: steps[1].if: 'sucess' is not a step outcome; did you mean 'success'? (an outcome is 'success', 'failure', 'skipped' or 'timeout')",
    ]);
  });
});

describe('a condition on a later step named with a dot', () => {
  it('says that step runs after this one', async () => {
    const errors = await errorsWithSteps(['  - name: fix', "    if: steps.build.js.outcome == 'success'", '    run: echo', '  - name: build.js', '    run: echo']);

    expect(errors.map((e) => e.replace(/^\d+:\d+: /, ''))).toEqual(['steps[0].if: unknown variable "steps.build.js.outcome": step "build.js" runs after this one']);
  });
});
