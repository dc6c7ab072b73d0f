/** Options every command shares: where the journal and run folders live. */
import path from 'node:path';
import type { Command } from 'commander';
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
