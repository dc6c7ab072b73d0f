/**
 * `--wait` through the CLI with this process's clock set (the wait itself is real, so the window opens within a
 * second or two): what the run does once the window opens, and when waiting would be for nothing.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Sets Date.now to `iso`, from where it runs on with the real time (timers stay real). */
function clockAt(iso: string): void {
  const realNow = Date.now.bind(Date);
  const offset = Date.parse(iso) - realNow();
  vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
}

describe('run --wait', () => {
  it('counts an HH:MM deadline from when the window opens, not from before the wait', async () => {
    // As a weekend window with deadline 05:00 started on a Wednesday: the deadline of the day it was started on has
    // passed long before the window opens. Here the window opens at 05:00, a few seconds after the start (time for the CLI to get there).
    const fx = await jobFixture({ count: 3, limits: ['window: { start: "05:00", end: "06:00", timezone: UTC }', 'deadline: "05:00"'] });
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));
    clockAt('2026-11-25T04:59:52.000Z');

    expect(await cli(io, 'run', '--wait', fx.job), io.err()).toBe(0);

    expect(io.out() + io.err()).toContain('waiting for the time window to open');
    expect(io.out() + io.err()).not.toContain('paused');
    expect(io.out()).toMatch(/3 pushed/);
  }, 60_000);

  it('does not wait for a window that opens after an ISO deadline: the run pauses at once', async () => {
    const fx = await jobFixture({ count: 2, limits: ['window: { start: "22:00", end: "06:00", timezone: UTC }', 'deadline: "2026-11-25T09:00:00Z"'] });
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));
    clockAt('2026-11-25T12:00:00.000Z');
    // Without the fix it waits ten hours: a Ctrl-C ends that after a few seconds.
    const ctrlC = setTimeout(() => io.signal('SIGINT'), 5_000);

    const code = await cli(io, 'run', '--wait', fx.job);
    clearTimeout(ctrlC);

    expect(io.out() + io.err()).not.toContain('waiting for the time window');
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain('The run is paused (the deadline 2026-11-25T09:00:00Z has passed); 2 repos left.');
  }, 60_000);
});
