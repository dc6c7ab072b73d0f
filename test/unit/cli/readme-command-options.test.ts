/**
 * The README's Commands section names every option of every command (a drift guard): each command's row in the
 * table, the sentence listing the options `run`, `resume`, `retry` and `demo` share, and the sentence on
 * `--state-dir` and `--db`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { captureIo } from '../../support/cli.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

/** The README text that documents a command's options. */
function documentation(command: string): string {
  const section = README.slice(README.indexOf('\n## Commands\n'), README.indexOf('\n## The job manifest\n'));
  const row = section.split('\n').find((line) => line.startsWith(`| \`fleetmod ${command}`)) ?? '';
  const paragraphs = section.split('\n\n').map((p) => p.replace(/\n/g, ' '));
  const named = (text: string) => [...text.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
  const shared = paragraphs.find((p) => / also take /.test(p)) ?? '';
  const state = paragraphs.find((p) => p.startsWith('Every command but ')) ?? '';
  return [
    row,
    named(shared.split(' also take ')[0] ?? '').includes(command) ? shared : '',
    named(/^Every command but (.+?) takes /.exec(state)?.[1] ?? '').includes(command) ? '' : state,
  ].join('\n');
}

describe('README on each command\'s options', () => {
  it('names every option of every command where that command is documented', () => {
    const program = buildProgram(captureIo(process.cwd()), () => {});
    const flagIn = (text: string, flag: string) => new RegExp(`(^|[^\\w-])${flag}(?![\\w-])`).test(text);

    const missing = program.commands.flatMap((command) => {
      const text = documentation(command.name());
      return command.options
        .filter((o) => o.long !== '--help')
        .filter((o) => ![o.long, o.short].some((flag) => flag !== undefined && flagIn(text, flag)))
        .map((o) => `${command.name()} ${o.long ?? o.short}`);
    });

    expect(program.commands.filter((c) => documentation(c.name()).trim() === '').map((c) => c.name())).toEqual([]);
    expect(missing).toEqual([]);
  });
});
