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

describe("fleetmod's own credentials in sandbox.secrets", () => {
  it('are refused: the push token, the GitHub App key and the E2B key never go into a sandbox', async () => {
    const text = [
      'name: owncreds',
      'repos: [acme/api]',
      'sandbox:',
      '  provider: e2b',
      '  secrets: [GITHUB_TOKEN, GH_TOKEN, GITHUB_APP_PRIVATE_KEY, E2B_API_KEY, NPM_TOKEN]',
      'steps:',
      '  - run: echo',
      'change:',
      '  branch: fleetmod/x',
      '  commit: {message: Fix}',
      '',
    ].join('\n');
    const env = { GITHUB_TOKEN: 'ghp_madeUp', GH_TOKEN: 'ghp_madeUp', GITHUB_APP_PRIVATE_KEY: 'made-up', E2B_API_KEY: 'e2b_madeUp', NPM_TOKEN: 'npm_madeUp' };

    const loaded = await parseManifest(text, { file: '/jobs/job.yaml', displayPath: 'job.yaml', env });

    expect(loaded.errors.map((d) => `${d.line}:${d.col}: ${d.message.split(' (')[0]}`)).toEqual([
      "5:13: sandbox.secrets[0]: GITHUB_TOKEN is fleetmod's own credential",
      "5:27: sandbox.secrets[1]: GH_TOKEN is fleetmod's own credential",
      "5:37: sandbox.secrets[2]: GITHUB_APP_PRIVATE_KEY is fleetmod's own credential",
      "5:61: sandbox.secrets[3]: E2B_API_KEY is fleetmod's own credential",
    ]);
  });
});
