/**
 * The example jobs in jobs/examples are valid (`fleetmod validate`, no warnings) and together use every key of
 * the manifest language, so each feature has a realistic, checked example.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jobJsonSchema } from '../../src/manifest/json-schema.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { demoFixture } from '../support/demo-fixture.js';
import { EXAMPLES_DIR, exampleJobs, schemaKeyPaths, valueKeyPaths } from '../support/examples.js';

const examples = await exampleJobs();

/** Keys the examples need not repeat, and why. */
const NOT_REQUIRED = new Map<string, string>([
  ['$schema', 'editors use the "# yaml-language-server: $schema=" comment line instead'],
]);
/** Candidate steps are the same Step schema as `steps`, covered there. */
const REUSED_PREFIXES = ['candidates.steps.'];

describe('example jobs', () => {
  it.each(examples.map((e) => e.file))('%s is valid without warnings', async (file) => {
    // Secrets are read from the environment at validate time: give each one the example names a made-up value.
    const example = examples.find((e) => e.file === file)!;
    const secrets = ((parse(example.text) as { sandbox?: { secrets?: string[] } }).sandbox?.secrets ?? []).map((name) => [name, `made-up-${name}`]);
    // The demo's list names sample repositories that exist once `fleetmod demo` made them: validate a copy that has them.
    const dir = file === 'demo.yaml' ? path.join((await demoFixture()).root, 'jobs', 'examples') : EXAMPLES_DIR;
    const io = captureIo(dir, testEnv(Object.fromEntries(secrets)));

    const code = await cli(io, 'validate', file);

    // An example names a checkout of the reader's own as a local path; on this machine it is not there.
    const missing = /^.*: warning: local repository .*\/checkouts\/design-system does not exist; the run will fail it\n/gm;
    // Another names the bot's signing key in the reader's home.
    const noKey = /^.*: warning: change\.commit\.signing-key: signing key .*\/\.ssh\/acme_platform_bot_signing does not exist; .*\n/gm;
    expect(io.err().replace(missing, '').replace(noKey, '')).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^${file}: valid — `));
  });

  it('together use every key of the manifest language', () => {
    const used = new Set<string>();
    for (const example of examples) valueKeyPaths(parse(example.text), '', used);

    const missing = schemaKeyPaths(jobJsonSchema()).filter(
      (key) => !used.has(key) && !NOT_REQUIRED.has(key) && !REUSED_PREFIXES.some((prefix) => key.startsWith(prefix)),
    );

    expect(missing).toEqual([]);
  });
});
