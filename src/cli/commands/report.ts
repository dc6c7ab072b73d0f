/**
 * `fleetmod report [RUN]`: the report of a run (default: the latest) in any format, from the journal alone — while
 * the run is going, after a crash, or for any past run.
 */
import { Option, type Command } from 'commander';
import { REPORT_FORMATS } from '../../report/formats.js';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { ReportCommandOptions } from './report-command.js';

export function registerReport(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('report')
      .description('print the report of a run (default: the latest), also while it is running')
      .argument('[run]', 'run id (default: the latest run)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
      .option('-o, --out <file>', 'write the report to a file instead of printing it')
      .option('--diffs', 'with --format json only: include every repo\'s (and every candidate\'s) full diff'),
  ).action(async (runId: string | undefined, opts: ReportCommandOptions) => {
    const { reportCommand } = await import('./report-command.js');
    setExit(await reportCommand(io, runId, opts));
  });
}
