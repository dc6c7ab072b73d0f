/**
 * No piece of a secret survives anywhere a run writes, however the output that carried it was trimmed, cut or
 * split on the way: the short failure reason (the last 300 characters of stderr), the output cap (head and tail
 * kept, the middle cut), a log line longer than 64 KiB (handed on in pieces), a multi-line key printed line by line,
 * and a secret from a file printed without its trailing newline.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

const TOKEN = 'ghp_S3CRETabcdefghijklmnopqrstuvwxyz01234567';
const KEY = '-----BEGIN KEY-----\nMIIEabcdefSECRETLINEONE0123456789\nZZZsecretlinetwo9876543210qwerty\n-----END KEY-----\n';
const FILE_SECRET = 'npm_TrailingNewlineSecret0123456789\n';
/** A piece of a secret this long (or longer) found anywhere is a leak. */
const PIECE = 8;

const STEP = [
  // stdout: the token straddles the end of the 128 KiB head the 256 KiB cap keeps.
  "printf '%0131060d' 0; printf '%s' \"$FM_TOKEN\"; printf '%0300000d\\n' 0",
  // stderr: a 70 KB line split into 64 KiB pieces in the token's middle.
  "{ head -c 65530 /dev/zero | tr '\\0' a; printf '%s\\n' \"$FM_TOKEN\"; } >&2",
  'printf \'%s\\n\' "$FM_KEY" >&2',
  // Command substitution drops the trailing newline the secret has in its file.
  'echo "auth failed for token $(printf \'%s\' "$FM_FILE")" >&2',
  // The last line: the failure reason keeps its last 300 characters, which start inside the token.
  "printf '%s' \"$FM_TOKEN\" >&2; printf '%0262d\\n' 0 >&2",
  'exit 1',
].join('\n');

describe('secret values are censored before output is cut', () => {
  it('leaves no piece of a secret in the journal, the logs, the terminal or any report format', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const jobFile = path.join(fx.root, fx.job);
    const manifest = (await readFile(jobFile, 'utf8')).replace('steps:\n', 'sandbox:\n  output: 256KiB\n  secrets: [FM_TOKEN, FM_KEY, FM_FILE]\nsteps:\n');
    await writeFile(jobFile, manifest);
    await fx.control(STEP);
    const io = captureIo(fx.root, testEnv({ FM_TOKEN: TOKEN, FM_KEY: KEY, FM_FILE: FILE_SECRET, FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    expect(await cli(io, 'run', fx.job)).toBe(1);
    for (const format of ['text', 'markdown', 'html', 'json', 'junit']) expect(await cli(io, 'report', '--format', format)).toBe(0);
    expect(await cli(io, 'show', 'latest', fx.repos[0]?.name ?? '', '--log')).toBe(0);

    // The failure itself is still explained, with the secret censored.
    expect(io.out()).toContain('***');
    const written = await filesUnder(path.join(fx.root, '.fleetmod'));
    expect(written.length).toBeGreaterThan(0);
    const everything = [io.out(), io.err(), ...(await Promise.all(written.map((f) => readFile(f, 'latin1'))))].join('\n');
    expect(everything).toContain('auth failed for token ***');
    for (const secret of [TOKEN, KEY, FILE_SECRET]) {
      for (const line of secret.split('\n').filter((l) => l.length >= PIECE)) {
        for (let at = 0; at + PIECE <= line.length; at++) expect(everything).not.toContain(line.slice(at, at + PIECE));
      }
    }
  });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
