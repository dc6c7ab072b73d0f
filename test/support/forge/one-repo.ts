/** A forge with one repository (acme/a), fleetmod's bot and Alice as users, and runs of jobs for it through the CLI. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { ensureBuilt, startCli, type CliProcess } from '../built-cli.js';
import { captureIo, cli, testEnv } from '../cli.js';
import { tempDir } from '../temp.js';
import { startForge } from './forge.js';
import { ALICE } from './human.js';
import { FAST_PACING, writeForgeJob, type ForgeJobOptions } from './job.js';

export const BOT_TOKEN = 'ghp_oneRepoBotToken0000000000000000000021';
export const ALICE_TOKEN = 'ghp_oneRepoAliceToken00000000000000000022';
/** Write limits no test of one repository reaches. */
export const NO_BUDGET = { 'github-writes': 100_000, 'github-writes-per-hour': 1_000_000 };

export type OneRepoRun = Partial<ForgeJobOptions> & { repo?: unknown };

/**
 * `run` writes the job (`defaults`, then its own options) and runs it; `start` does the same in a process of its own
 * (the built CLI, killed when the test ends); `lastTask` reads columns of the newest task.
 */
export async function oneRepoForge(defaults: Partial<ForgeJobOptions> = {}) {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', BOT_TOKEN);
  forge.state.addUser(ALICE.login, ALICE_TOKEN);
  await forge.createRepo({ owner: 'acme', name: 'a' });
  const dir = await tempDir();
  const env = testEnv({ GITHUB_TOKEN: BOT_TOKEN, FLEETMOD_GITHUB_PACING: FAST_PACING });
  const writeJob = (options: OneRepoRun) => {
    const { repo = 'acme/a', ...rest } = { ...defaults, ...options };
    return writeForgeJob(dir, 'job.yaml', forge, { ...rest, repos: [repo as string], limits: { ...NO_BUDGET, ...defaults.limits, ...options.limits } });
  };
  const run = async (options: OneRepoRun = {}, ...flags: string[]) => {
    await writeJob(options);
    const io = captureIo(dir, env);
    return { code: await cli(io, 'run', ...flags, 'job.yaml'), out: io.out() + io.err() };
  };
  const start = async (options: OneRepoRun = {}, ...flags: string[]): Promise<CliProcess> => {
    await ensureBuilt();
    await writeJob(options);
    const started = startCli(dir, env, 'run', ...flags, 'job.yaml');
    onTestFinished(() => void started.child.kill('SIGKILL'));
    return started;
  };
  const lastTask = (columns: string): unknown => {
    const db = new Database(path.join(dir, '.fleetmod', 'fleetmod.db'), { readonly: true });
    try {
      return db.prepare(`SELECT ${columns} FROM tasks ORDER BY rowid DESC LIMIT 1`).get();
    } finally {
      db.close();
    }
  };
  return { forge, dir, run, start, lastTask };
}
