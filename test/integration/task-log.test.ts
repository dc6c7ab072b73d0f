import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

async function logText(root: string): Promise<string> {
  const runs = await readdir(path.join(root, '.fleetmod', 'runs')).catch(() => []);
  for (const run of runs) {
    const logs = await readdir(path.join(root, '.fleetmod', 'runs', run, 'logs')).catch(() => []);
    for (const log of logs) return readFile(path.join(root, '.fleetmod', 'runs', run, 'logs', log), 'utf8');
  }
  return '';
}

describe('the per-repo log', () => {
  it('receives a step’s output line by line while the step is still running', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    await fx.control('echo "first line"; echo "to stderr" >&2; sleep 3; echo "second line"');
    const io = captureIo(fx.root);

    const running = cli(io, 'run', fx.job);
    let seenWhileRunning = '';
    for (let i = 0; i < 200 && !seenWhileRunning.includes('first line'); i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      seenWhileRunning = await logText(fx.root);
    }
    const code = await running;
    const final = await logText(fx.root);

    expect(code).toBe(0);
    expect(seenWhileRunning).toContain('  control | first line');
    expect(seenWhileRunning).toContain('  control ! to stderr');
    expect(seenWhileRunning).not.toContain('second line');
    expect(final).toContain('  control | second line');
  });
});
