/**
 * The built CLI (`node dist/cli/main.js`) for tests that need a separate process (to kill it). It is rebuilt
 * first when any source file is newer than the build, so such a test never runs yesterday's code.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUILT_MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? await newest(full) : (await stat(full)).mtimeMs);
  }
  return latest;
}

export async function ensureBuilt(): Promise<void> {
  const built = await stat(BUILT_MAIN).then((s) => s.mtimeMs, () => 0);
  if (built >= (await newest(path.join(ROOT, 'src')))) return;
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
}

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI asynchronously (never spawnSync: the test process hosts the forge). */
export function startCli(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): CliProcess {
  const child = spawn(process.execPath, [BUILT_MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** Waits until `cli` has printed `text` (e.g. a --json progress event), failing with its output after `timeoutMs`. */
export async function waitForOutput(cli: CliProcess, text: string, timeoutMs = 60_000): Promise<void> {
  for (let waited = 0; !cli.output().includes(text); waited += 20) {
    if (waited > timeoutMs) throw new Error(`the CLI never printed ${text}:\n${cli.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
