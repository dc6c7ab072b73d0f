/** The README says which commands take --state-dir and --db (the journal's place); the program must agree. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { captureIo } from '../../support/cli.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

describe('README on --state-dir and --db', () => {
  it('names exactly the commands that do not take them', () => {
    const program = buildProgram(captureIo(process.cwd()), () => {});
    const without = program.commands.filter((c) => !c.options.some((o) => o.long === '--state-dir')).map((c) => c.name());
    const sentence = /^Every command but (.+?) takes `--state-dir DIR`/m.exec(README);

    expect(sentence).not.toBeNull();
    expect([...(sentence?.[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort()).toEqual(without.sort());
    expect(program.commands.filter((c) => c.options.some((o) => o.long === '--db')).length).toBe(program.commands.length - without.length);
  });
});
