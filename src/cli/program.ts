/**
 * Builds the command-line program and runs it. Returns the exit code instead of exiting, so tests can run the
 * real CLI in-process; errors become a message and an exit code here and nowhere else.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DiskFull, FleetmodError, JournalUnavailable, ManifestInvalid, SandboxUnavailable, UsageError, RunNotFound, RunTakenOver, StoreFailed } from '../domain/errors.js';
import { registerDemo, PACKAGE_ROOT } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerInit } from './commands/init.js';
import { registerPlan } from './commands/plan.js';
import { registerReport } from './commands/report.js';
import { registerResume } from './commands/resume.js';
import { registerRetry } from './commands/retry.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerShow } from './commands/show.js';
import { registerSandboxes } from './commands/sandboxes.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command();
  program
    .name('fleetmod')
    .description('Run one code transformation across many git repositories, each in its own sandbox.')
    .version(version())
    .showHelpAfterError('(fleetmod --help lists the commands)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerRun(program, io, setExit);
  registerValidate(program, io, setExit);
  registerInit(program, io, setExit);
  registerPlan(program, io, setExit);
  registerReport(program, io, setExit);
  registerShow(program, io, setExit);
  registerStatus(program, io, setExit);
  registerDemo(program, io, setExit);
  registerResume(program, io, setExit);
  registerRetry(program, io, setExit);
  registerRuns(program, io, setExit);
  registerDoctor(program, io, setExit);
  registerSandboxes(program, io, setExit);
  // A mistake in a command's options is answered with where that command's options are listed.
  for (const command of program.commands) command.showHelpAfterError(`(fleetmod ${command.name()} --help lists its options)`);
  return program;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

export function exitCodeFor(err: unknown, io: CliIo): ExitCode {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof ManifestInvalid) {
    io.stderr(`${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof StoreFailed || err instanceof DiskFull || err instanceof RunTakenOver) {
    io.stderr(`fleetmod: ${err.message}\n`);
    return EXIT.stopped;
  }
  if (err instanceof SandboxUnavailable || err instanceof UsageError || err instanceof RunNotFound || err instanceof JournalUnavailable) {
    io.stderr(`fleetmod: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof FleetmodError) {
    io.stderr(`fleetmod: ${err.message}\n`);
    return EXIT.repoFailures;
  }
  // fleetmod's own failure, not a repository's: 1 would send a cron job's owner to a report that may not exist.
  io.stderr(`fleetmod: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.stopped;
}
