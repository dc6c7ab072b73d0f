/** `retry --repo` finds a repository as `show` does (pick-repo.ts); its help must not promise less. */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { captureIo } from '../../support/cli.js';

describe('retry --help', () => {
  it('says --repo takes a repository named any way show takes one', () => {
    const program = buildProgram(captureIo(process.cwd()), () => {});
    const command = (name: string) => program.commands.find((c) => c.name() === name)!;
    const showRepo = command('show').registeredArguments.find((a) => a.name() === 'repo')!.description;
    const retryRepo = command('retry').options.find((o) => o.long === '--repo')!.description;

    expect(showRepo).toContain('a unique part of one');
    expect(retryRepo).toContain(showRepo.replace(/^repo /, ''));
  });
});
