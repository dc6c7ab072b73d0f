/**
 * Several git plumbing commands in a row as one short `sh` script. Taking a diff and committing one are each a
 * handful of commands; one process for them is cheaper than one Node child process per command.
 *
 * Safe by construction: the script is a constant of its module (nothing is spliced into it; everything variable
 * arrives as a positional argument), the pinned settings of SAFE_GIT_CONFIG reach every git in it through the
 * GIT_CONFIG_* variables (git-process.ts), the environment is safeGitEnv's, and no script is ever given a
 * credential.
 */
import { runGitProcess, type GitProcessOptions } from './git-process.js';

export interface GitScriptOptions extends Omit<GitProcessOptions, 'extraConfig' | 'cwd'> {
  /** Working directory (the repository). */
  cwd: string;
  /** $1, $2, … of the script. */
  args: readonly string[];
}

/** Runs `script` with `sh -c`; resolves with its standard output, rejects with GitFailed (or Interrupted). */
export async function runGitScript(what: string, script: string, options: GitScriptOptions): Promise<string> {
  return (await runGitScriptBytes(what, script, options)).toString('utf8');
}

/** runGitScript, its standard output as the bytes git wrote (a diff of a file that is not UTF-8). */
export function runGitScriptBytes(what: string, script: string, options: GitScriptOptions): Promise<Buffer> {
  const { args, ...processOptions } = options;
  return runGitProcess(what, '/bin/sh', ['-c', script, 'fleetmod-git', ...args], processOptions);
}
