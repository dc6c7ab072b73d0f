/**
 * The wait for a sandbox's init to end after its command (spawn-bwrap.ts), on real host processes: it ends when the
 * process is gone or a zombie, and a hard stop does not wait out one that hangs.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initEnded } from '../../../src/sandbox/local/spawn-bwrap.js';

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

describe('waiting for a sandbox init to end', () => {
  it('stops waiting when the run is aborted, instead of holding the stop for 10 s', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = sleeper.pid as number;
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const began = performance.now();

      const ended = await initEnded(pid, startTime(pid), abort.signal);

      expect(ended).toBe(false);
      expect(performance.now() - began).toBeLessThan(5_000);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('is over once the process is gone, and for a later process that got its pid (another start time)', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = sleeper.pid as number;
    const start = startTime(pid);
    setTimeout(() => sleeper.kill('SIGKILL'), 50);

    expect(await initEnded(pid, start)).toBe(true);
    expect(await initEnded(process.pid, '1')).toBe(true);
  });
});
