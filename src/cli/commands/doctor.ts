/**
 * `fleetmod doctor [JOB.yaml]`: which isolation and limits the local sandbox enforces on this machine, proven by
 * running one sandbox, and what to install or enable when something is missing. With a job, also whether this
 * machine can enforce everything that job asks for (the same check `fleetmod run` makes before it starts).
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function registerDoctor(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('doctor')
    .description('show which sandbox isolation and limits work on this machine, and how to fix what is missing')
    .argument('[job]', 'also check that this job\'s sandbox settings can be enforced here')
    .action(async (file: string | undefined) => {
      const { doctorCommand } = await import('./doctor-command.js');
      setExit(await doctorCommand(io, file));
    });
}
