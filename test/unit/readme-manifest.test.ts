/** The README documents every key of the manifest language and every template variable (a drift guard). */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { jobJsonSchema } from '../../src/manifest/json-schema.js';
import { parseManifest } from '../../src/manifest/load.js';
import { TEMPLATE_VARIABLES } from '../../src/manifest/template.js';
import { schemaKeyPaths } from '../support/examples.js';
import { tempDir } from '../support/temp.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README manifest reference', () => {
  it('has a row for every key', () => {
    // `change.commit` and `score` are documented through their keys (`change.commit.message`, `score.run`…);
    // candidate steps are `steps` (the row `candidates.steps` says so).
    const grouping = new Set(['change.commit', 'score']);
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

  it('shows manifest examples that validate (a fragment in a minimal job)', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'more-repos.txt'), 'acme/service-d\n');
    const minimal = { name: 'readme', repos: ['acme/x'], steps: [{ name: 'rename', run: 'true' }], change: { branch: 'b', commit: { message: 'm' } } };
    // Blocks of top-level keys; an indented block (the `if:` lines) is a piece of a step, not a job.
    const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^[a-z#]/.test(b));

    const problems: string[] = [];
    for (const block of blocks) {
      const job = { ...minimal, ...(parse(block) as object) };
      const result = await parseManifest(stringify(job), { file: path.join(dir, 'job.yaml') });
      problems.push(...result.errors.map((e) => `${block.split('\n')[0]} … → ${e.message}`));
    }

    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(problems).toEqual([]);
  });
});
