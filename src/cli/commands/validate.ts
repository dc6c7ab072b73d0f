/** `fleetmod validate JOB.yaml`: every error at once as file:line:col, exit 2 when invalid. Runs nothing. */
import path from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { loadManifest } from '../../manifest/load.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check a job manifest and print every problem with its position')
    .argument('<job>', 'job manifest (YAML)')
    .action(async (file: string) => {
      setExit(await validateCommand(io, file));
    });
}

export async function validateCommand(io: CliIo, file: string): Promise<ExitCode> {
  const result = await loadManifest(path.resolve(io.cwd, file), file);
  for (const d of [...result.errors, ...result.warnings].sort((a, b) => a.line - b.line || a.col - b.col)) {
    io.stderr(`${formatDiagnostic(d)}\n`);
  }
  if (!result.job) {
    io.stderr(`${file}: invalid (${result.errors.length} error${result.errors.length === 1 ? '' : 's'})\n`);
    return EXIT.usage;
  }
  const job = result.job;
  const entries = job.repos.length;
  io.stdout(
    `${file}: valid — job "${job.name}", ${entries} repo entr${entries === 1 ? 'y' : 'ies'}, ${job.steps.length} step${job.steps.length === 1 ? '' : 's'}, sandbox ${job.sandbox.provider}\n`,
  );
  return EXIT.ok;
}
