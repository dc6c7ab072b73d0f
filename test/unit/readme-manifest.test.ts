/** The README documents every key of the manifest language and every template variable (a drift guard). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobJsonSchema } from '../../src/manifest/json-schema.js';
import { TEMPLATE_VARIABLES } from '../../src/manifest/template.js';
import { schemaKeyPaths } from '../support/examples.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README manifest reference', () => {
  it('has a row for every key', () => {
    // `change.commit` and `score` are documented through their keys (`change.commit.message`, `score.run`…);
    // candidate steps are `steps` (the row `candidates.steps` says so).
    const grouping = new Set(['$schema', 'change.commit', 'score']);
    const documented = (key: string) => grouping.has(key) || key.startsWith('candidates.steps.') || README.includes(`| \`${key}\` |`);

    const missing = schemaKeyPaths(jobJsonSchema()).filter((key) => !documented(key));

    expect(missing).toEqual([]);
  });

  it('documents every template variable', () => {
    const missing = [...TEMPLATE_VARIABLES.map((v) => v.name), 'steps.<name>.stdout', 'steps.<name>.outcome'].filter(
      (name) => !README.includes(`\`{{ ${name} }}\``),
    );

    expect(missing).toEqual([]);
  });
});
