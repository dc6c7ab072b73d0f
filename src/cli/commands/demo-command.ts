/** What `fleetmod demo` does (registered in demo.ts, loaded only when it runs). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SandboxUnavailable } from '../../domain/errors.js';
import { createSampleRepos } from '../../demo/sample-repos.js';
import { detectBwrap, installCommand } from '../../sandbox/local/detect.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { DEMO_JOB, DEMO_REPOS_DIR, DEMO_REPO_COUNT } from './demo.js';
import { runCommand, type RunCommandOptions } from './run-command.js';

export interface DemoOptions extends RunCommandOptions {
  reset?: boolean;
  run?: boolean;
  install?: boolean;
}

export async function demoCommand(io: CliIo, opts: DemoOptions): Promise<ExitCode> {
  await ensureBubblewrap(io, opts.install !== false);
  // With --json, stdout carries only the run's events: what the demo says about itself goes to stderr.
  const say = opts.json ? io.stderr : io.stdout;
  const missing = !existsSync(path.join(DEMO_REPOS_DIR, `service-${String(DEMO_REPO_COUNT).padStart(2, '0')}.git`));
  if (opts.reset || missing) {
    say(`creating ${DEMO_REPO_COUNT} sample repositories in ${path.relative(io.cwd, DEMO_REPOS_DIR) || DEMO_REPOS_DIR}\n`);
    await createSampleRepos({ dir: DEMO_REPOS_DIR, count: DEMO_REPO_COUNT });
  } else {
    say(`sample repositories already in ${path.relative(io.cwd, DEMO_REPOS_DIR)} (--reset recreates them)\n`);
  }
  if (opts.run === false) return EXIT.ok;
  const shown = path.relative(io.cwd, DEMO_JOB) || DEMO_JOB;
  say(`running ${shown}\n\n`);
  return runCommand(io, shown, opts);
}

async function ensureBubblewrap(io: CliIo, mayInstall: boolean): Promise<void> {
  const first = await detectBwrap(io.env);
  if (first.ok || first.binary) return; // present; run-time checks report any other problem precisely
  const command = await installPlan(mayInstall);
  if (!command) {
    throw new SandboxUnavailable('bubblewrap (bwrap) is missing; the demo runs every repository in a bubblewrap sandbox', installCommand());
  }
  io.stderr(`bubblewrap is missing; installing it: ${command.join(' ')}\n`);
  const code = await runInstaller(command);
  const again = await detectBwrap(io.env);
  if (code !== 0 || !again.binary) {
    throw new SandboxUnavailable(`installing bubblewrap failed (exit ${code})`, installCommand());
  }
}

/** The install command this user may run without a password prompt, or undefined. */
async function installPlan(mayInstall: boolean): Promise<string[] | undefined> {
  if (!mayInstall || !existsSync('/usr/bin/apt-get')) return undefined;
  const script = 'apt-get install -y bubblewrap || (apt-get update && apt-get install -y bubblewrap)';
  if (process.getuid?.() === 0) return ['sh', '-c', script];
  if ((await runQuiet(['sudo', '-n', 'true'])) === 0) return ['sudo', '-n', 'sh', '-c', script];
  return undefined;
}

/**
 * Runs the install command with its output shown on fleetmod's stderr, both streams: with --json, stdout is the
 * run's events only, and apt-get's progress there would break every consumer reading it line by line.
 */
export function runInstaller(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function runQuiet(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0] as string, command.slice(1), { stdio: 'ignore' });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
