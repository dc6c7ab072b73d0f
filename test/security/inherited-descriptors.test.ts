/**
 * Descriptors fleetmod inherits from whatever started it (a wrapper script's `200>lockfile`, a CI runner's pipe, a
 * directory a supervisor holds open) are not the sandbox's: bwrap hands every open descriptor to the command it
 * starts, and a directory descriptor is a way out of every mount (`/proc/self/fd/N/..`). Node marks inherited
 * descriptors close-on-exec only up to the first gap after fd 15, so one further up reached sandboxed code.
 *
 * fleetmod runs in a child process here (the built provider), given a descriptor of a private host folder at a
 * high number, as a shell's `exec 40</private` would.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/built-cli.js';
import { checkout } from '../support/sandbox.js';
import { tempDir } from '../support/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INHERITED_FD = 40;

/** Creates a local provider and a sandbox over `workspace` with the built code, runs `command`, prints its stdout. */
const CHILD = `
const [identity, workspace, command] = process.argv.slice(1);
const { createHostGit } = await import(${JSON.stringify(path.join(ROOT, 'dist/git/host-git.js'))});
const { createLocalProvider } = await import(${JSON.stringify(path.join(ROOT, 'dist/sandbox/local/provider.js'))});
const provider = createLocalProvider({ git: createHostGit({ env: process.env }), env: process.env, identity });
const sandbox = await provider.create({
  workspace, files: new Map(), env: {}, network: false, template: 'base', labels: {},
  limits: { timeoutMs: 20000, pids: 256, tmpBytes: 2 ** 24, outputBytes: 65536 },
});
const result = await sandbox.exec(command);
await sandbox.destroy();
await provider.shutdown();
process.stdout.write(result.stdout);
`;

async function runWithInheritedFolder(identity: 'auto' | 'userns', folder: string, command: string): Promise<string> {
  const workspace = await checkout();
  const fd = openSync(folder, 'r');
  try {
    const stdio = ['ignore', 'pipe', 'inherit', ...Array<'ignore'>(INHERITED_FD - 3).fill('ignore'), fd] as const;
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, identity, workspace, command], { stdio: [...stdio] });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    return stdout;
  } finally {
    closeSync(fd);
  }
}

describe('descriptors fleetmod inherited', () => {
  it.each(['auto', 'userns'] as const)('do not reach sandboxed code (%s identity)', async (identity) => {
    await ensureBuilt();
    const root = await tempDir();
    const secretDir = path.join(root, 'private');
    await mkdir(secretDir, { mode: 0o700 });
    await writeFile(path.join(secretDir, 'secret.txt'), 'host secret\n');

    const stdout = await runWithInheritedFolder(identity, secretDir, `cat /proc/self/fd/${INHERITED_FD}/secret.txt 2>/dev/null || echo unreachable; ls /proc/self/fd`);

    expect(stdout).not.toContain('host secret');
    expect(stdout.split('\n')).not.toContain(String(INHERITED_FD));
    expect(stdout.split('\n')[0]).toBe('unreachable');
  }, 60_000);
});
