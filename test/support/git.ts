/** Small helpers to look at real git repositories from tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The SHA of a branch in a (bare) repository, or null. */
export async function branchSha(repo: string, branch: string): Promise<string | null> {
  try {
    return (await git(repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`)).trim() || null;
  } catch {
    return null;
  }
}

export async function fileAt(repo: string, rev: string, file: string): Promise<string> {
  return git(repo, 'show', `${rev}:${file}`);
}
