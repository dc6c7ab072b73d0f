/**
 * Environment values and PR labels, reviewers and assignees are not templated: a fleetmod placeholder written there
 * would reach the step or GitHub as its own text, so validate warns; other `{{ … }}` (a tool's template) pass.
 */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

describe('placeholders in fields used as written', () => {
  it('warn when they name a fleetmod variable, with the environment variable to use', async () => {
    const text = [
      'name: literal',
      'repos:',
      '  - repo: acme/api',
      '    env: {OWNER: "{{ repo.owner }}"}',
      'sandbox:',
      '  env: {FORMAT: "{{.Name}} {{ json . }}", SHIPPED: "{{ candidate.name }}"}',
      'steps:',
      '  - name: probe',
      '    run: echo',
      '  - run: echo',
      '    env: {NAME: "{{ repo.name }}", PROBE: "{{ steps.probe.stdout }}"}',
      'change:',
      '  branch: fleetmod/x',
      '  commit: {message: Fix}',
      '  pr:',
      '    title: Fix',
      '    labels: [fleetmod, "team-{{ repo.owner }}"]',
      '',
    ].join('\n');

    const loaded = await parseManifest(text, { file: '/jobs/job.yaml', displayPath: 'job.yaml' });

    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      '4:19: repos[0].env.OWNER: environment values are used as written, so "{{ repo.owner }}" is not filled in; commands already get it as $FLEETMOD_REPO_OWNER',
      '6:53: sandbox.env.SHIPPED: environment values are used as written, so "{{ candidate.name }}" is not filled in',
      '11:18: steps[1].env.NAME: environment values are used as written, so "{{ repo.name }}" is not filled in; commands already get it as $FLEETMOD_REPO_NAME',
      '11:44: steps[1].env.PROBE: environment values are used as written, so "{{ steps.probe.stdout }}" is not filled in; write the placeholder in the command (run) instead',
      '17:30: change.pr.labels[1]: labels are used as written, so "{{ repo.owner }}" is not filled in',
    ]);
  });
});
