/**
 * The generated JSON Schema (schema/job.schema.json) must match the zod schema it is generated from, document
 * every key, and accept every example job; it is what editors use through the yaml-language-server line.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { JOB_SCHEMA_PATH, jobJsonSchema, jobJsonSchemaText } from '../../src/manifest/json-schema.js';
import { exampleJobs, schemaKeyPaths } from '../support/examples.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('schema/job.schema.json', () => {
  it('is up to date with src/manifest/schema.ts (run `npm run schema` after changing the schema)', async () => {
    const committed = await readFile(path.join(ROOT, JOB_SCHEMA_PATH), 'utf8');

    expect(committed).toBe(jobJsonSchemaText());
  });

  it('describes every key', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string' || child.description.length < 10) undocumented.push(`${at}${key}`);
        visit(child, `${at}${key}.`);
      }
      for (const option of (schema.anyOf ?? []) as unknown[]) visit(option, at);
      visit(schema.items, at);
    };

    visit(jobJsonSchema(), '');

    expect(undocumented).toEqual([]);
  });

  it('accepts every example job and rejects an unknown key, as an editor would', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(jobJsonSchema());

    for (const example of await exampleJobs()) {
      const ok = validate(parse(example.text));
      expect({ file: example.file, errors: ok ? [] : validate.errors }).toEqual({ file: example.file, errors: [] });
    }
    expect(validate({ name: 'x', repos: ['a/b'], steps: [{ run: 'true', tiemout: '5m' }], change: { branch: 'b', commit: { message: 'm' } } })).toBe(false);
  });

  it('refuses, as the loader does, zero durations, sizes and rates, reserved env names and URLs in the network list', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(jobJsonSchema());
    const job = (sandbox: Record<string, unknown>, limits: Record<string, unknown> = {}) => ({
      name: 'x', repos: ['a/b'], steps: [{ run: 'true' }], change: { branch: 'b', commit: { message: 'm' } }, sandbox, limits,
    });

    expect(validate(job({ timeout: '10s', memory: '0.5GiB', network: ['registry.npmjs.org:443'], env: { NODE_ENV: 'ci' } }, { 'pr-rate': '10/hour' }))).toBe(true);
    for (const bad of [
      job({ timeout: '0s' }),
      job({ timeout: '0m0s' }),
      job({ memory: '0MiB' }),
      job({ network: ['https://registry.npmjs.org'] }),
      job({ env: { FLEETMOD_REPO: '/etc' } }),
      job({}, { 'pr-rate': '0/hour' }),
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('lists the key paths the examples are checked against', () => {
    const paths = schemaKeyPaths(jobJsonSchema());

    expect(paths).toContain('repos.github.exclude');
    expect(paths).toContain('limits.window.timezone');
    expect(paths).toContain('change.pr.team-reviewers');
  });
});
