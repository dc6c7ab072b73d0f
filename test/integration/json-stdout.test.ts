/**
 * With --json, stdout carries only JSON (one object per line): what a command says about itself besides goes to
 * stderr, so `fleetmod … --json | jq` never chokes on a sentence.
 */
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

describe('--json keeps stdout to JSON', () => {
  it('runs --json without a journal prints no line on stdout and says why on stderr', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'runs', '--json')).toBe(0);

    expect(io.out()).toBe('');
    expect(io.err()).toContain('no runs yet (no journal at');
  });

  it('demo --json tells about its sample repositories on stderr', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'demo', '--json', '--no-run'), io.err()).toBe(0);

    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/sample repositories/);
  });
});
