/** The environment rule covers every env map that reaches the sandbox, candidates' steps included. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

describe('env in a candidate step', () => {
  it('may not set a FLEETMOD_ name nor shadow a secret with a literal', async () => {
    const text = [
      'name: candenv',
      'repos: [acme/api]',
      'sandbox:',
      '  secrets: [MY_SECRET]',
      'steps:',
      '  - run: echo',
      'candidates:',
      '  - name: a',
      '    steps:',
      '      - run: echo',
      '        env:',
      '          FLEETMOD_REPO: /etc',
      '          MY_SECRET: literal',
      'change:',
      '  branch: fleetmod/x',
      '  commit: {message: Fix}',
      '',
    ].join('\n');

    const loaded = await parseManifest(text, { file: '/jobs/job.yaml', displayPath: 'job.yaml', env: { MY_SECRET: 'set' } });

    expect(loaded.errors.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      '12:26: candidates[0].steps[0].env.FLEETMOD_REPO: names starting with FLEETMOD_ are set by fleetmod; choose another name',
      '13:22: candidates[0].steps[0].env.MY_SECRET: also listed in sandbox.secrets; a variable is either a literal value or a secret, not both',
    ]);
  });
});
