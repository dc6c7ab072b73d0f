/**
 * `status --json` gives what the table says besides its rows: why a repository was skipped, and where the run stands
 * (interrupted and why, crashed, running) with the command that continues it, on every line.
 */
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { buildReportFixture, CURRENT_RUN } from '../support/report-fixture.js';
import { tempDir } from '../support/temp.js';

type Line = { repo: string; skipReason: string | null; run: Record<string, unknown> };

async function statusLines(options: { crashed: boolean }): Promise<{ lines: Line[]; db: string }> {
  const dir = await tempDir();
  const fixture = buildReportFixture(dir, options);
  fixture.store.close();
  const io = captureIo(dir);
  expect(await cli(io, 'status', CURRENT_RUN, '--json', '--db', fixture.dbPath), io.err()).toBe(0);
  return { lines: io.out().trim().split('\n').map((l) => JSON.parse(l) as Line), db: fixture.dbPath };
}

describe('status --json', () => {
  it('says why a repository was skipped, and null for one that was not', async () => {
    const { lines } = await statusLines({ crashed: false });

    const byRepo = new Map(lines.map((l) => [l.repo, l]));
    expect(byRepo.get('acme/archive')?.skipReason).toBe('repository acme/archive is archived');
    expect(byRepo.get('acme/cli')?.skipReason).toBeNull();
  });

  it('gives an interrupted run\'s reason and the resume command, with the options naming its journal, on every line', async () => {
    const { lines, db } = await statusLines({ crashed: false });

    const runs = new Set(lines.map((l) => JSON.stringify(l.run)));
    expect(runs.size).toBe(1);
    expect(lines[0]!.run).toEqual({
      id: CURRENT_RUN,
      state: 'interrupted',
      reason: 'stopped by user',
      resumeCommand: `fleetmod resume ${CURRENT_RUN} --db ${db}`,
      advice: null,
    });
  });

  it('calls a run whose process died crashed, with the command that continues it', async () => {
    const { lines, db } = await statusLines({ crashed: true });

    expect(lines[0]!.run).toEqual({ id: CURRENT_RUN, state: 'crashed', reason: null, resumeCommand: `fleetmod resume ${CURRENT_RUN} --db ${db}`, advice: null });
  });
});
