/** Options of every command that uses the journal (not validate, init, doctor): where the journal and run folders live. */
import path from 'node:path';
import type { Command } from 'commander';
import { shellWord } from '../report/format.js';
import type { CliIo } from './io.js';

export interface StateLocation {
  stateDir: string;
  dbPath: string;
}

export function addStateOptions(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'folder for the journal, run logs and reports', '.fleetmod')
    .option('--db <file>', 'journal database (default: <state-dir>/fleetmod.db)');
}

export function stateLocation(io: CliIo, opts: { stateDir?: string; db?: string }): StateLocation {
  const stateDir = path.resolve(io.cwd, opts.stateDir ?? '.fleetmod');
  const dbPath = opts.db ? path.resolve(io.cwd, opts.db) : path.join(stateDir, 'fleetmod.db');
  return { stateDir, dbPath };
}

/**
 * The options that name this journal in a command fleetmod suggests (" --state-dir /abs/dir", " --db /abs/file"),
 * empty for the default `.fleetmod` of the current folder: a suggested command must reach the same journal.
 */
export function journalArgs(io: CliIo, opts: { stateDir?: string; db?: string }): string {
  const { stateDir } = stateLocation(io, opts);
  const args: string[] = [];
  if (stateDir !== path.resolve(io.cwd, '.fleetmod')) args.push('--state-dir', shellWord(stateDir));
  if (opts.db) args.push('--db', shellWord(path.resolve(io.cwd, opts.db)));
  return args.map((a) => ` ${a}`).join('');
}
