import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { exitCodeFor } from '../../../src/cli/program.js';
import { DiskFull, JournalUnavailable, RunTakenOver, StoreFailed, UsageError } from '../../../src/domain/errors.js';
import { captureIo } from '../../support/cli.js';

describe('exit codes of errors that stop a run', () => {
  it.each([
    { name: 'a journal that cannot be written', err: new StoreFailed('the journal could not be committed: database or disk is full') },
    { name: 'a full disk', err: new DiskFull('the disk is full: ENOSPC') },
    { name: 'a run another process took over', err: new RunTakenOver('run r1 was taken over by process 42 on build-box') },
  ])('$name exits 3 with the reason, not 2 (usage: nothing ran)', ({ err }) => {
    const io = captureIo('/nowhere');

    const code = exitCodeFor(err, io);

    expect(code).toBe(EXIT.stopped);
    expect(EXIT.stopped).toBe(3);
    expect(io.err()).toContain(err.message);
  });

  it('an unexpected error (fleetmod\'s own failure) exits 3 with its stack, not 1 (some repositories failed)', () => {
    const io = captureIo('/nowhere');

    const code = exitCodeFor(new TypeError('Cannot read properties of undefined'), io);

    expect(code).toBe(EXIT.stopped);
    expect(io.err()).toMatch(/^fleetmod: unexpected error: TypeError: Cannot read properties of undefined\n\s+at /);
  });

  it('invalid usage, or a journal the options put where none can be, still exits 2', () => {
    expect(exitCodeFor(new UsageError('no such run'), captureIo('/nowhere'))).toBe(EXIT.usage);
    expect(exitCodeFor(new JournalUnavailable('cannot create the folder of the journal'), captureIo('/nowhere'))).toBe(EXIT.usage);
  });
});

describe('mistakes on the command line', () => {
  it('an unknown option of a command points at that command\'s help; an unknown command at the list of commands', async () => {
    const { runCli } = await import('../../../src/cli/program.js');
    const option = captureIo('/nowhere');
    const command = captureIo('/nowhere');

    expect(await runCli(['validate', '--state-dir', 'x', 'job.yaml'], option)).toBe(EXIT.usage);
    expect(await runCli(['frob'], command)).toBe(EXIT.usage);

    expect(option.err()).toBe("error: unknown option '--state-dir'\n(fleetmod validate --help lists its options)\n");
    expect(command.err()).toBe("error: unknown command 'frob'\n(fleetmod --help lists the commands)\n");
  });
});
