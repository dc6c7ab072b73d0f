/**
 * `fleetmod sandboxes [RUN] [--kill]`: the E2B sandboxes fleetmod started that are still running (they carry
 * job/run/repo metadata), which of them a live run is using and which are leftovers of an interrupted or crashed
 * run, and — with --kill — stops the leftovers. A run that resumes kills its own leftovers by itself.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { SandboxesOptions } from './sandboxes-command.js';

export function registerSandboxes(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('sandboxes')
      .description('list E2B sandboxes fleetmod started that are still running; --kill stops leftovers of interrupted runs')
      .argument('[run]', 'only the sandboxes of this run')
      .option('--kill', 'kill leftovers (sandboxes of runs no live fleetmod process is working on; with RUN, also if the run is not in this journal)')
      .option('--force', 'with --kill: kill every listed sandbox, even of a run that looks live')
      .option('--json', 'print JSON'),
  ).action(async (run: string | undefined, opts: SandboxesOptions) => {
    // Loaded here: the E2B SDK is a large module tree that no other command needs.
    const { sandboxesCommand } = await import('./sandboxes-command.js');
    setExit(await sandboxesCommand(io, run, opts));
  });
}

