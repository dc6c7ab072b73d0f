/** The job's commit signing key, checked before a run starts (ssh-signing.ts): a key that cannot sign stops it there. */
import { UsageError } from '../domain/errors.js';
import { GIT_TIMEOUT_MS, safeGitEnv } from '../git/safe-config.js';
import { signingKeyProblem } from '../git/ssh-signing.js';
import { expandHome } from '../util/home-path.js';
import type { Job } from '../manifest/job.js';
import type { CliIo } from './io.js';

/** The key file's absolute path, or undefined for a job whose commits are not signed; UsageError when it cannot sign. */
export async function usableSigningKey(job: Job, io: CliIo): Promise<string | undefined> {
  const written = job.change.commit.signingKey;
  if (written === undefined) return undefined;
  const keyPath = expandHome(written, io.env);
  const problem = await signingKeyProblem({ env: safeGitEnv(io.env), timeoutMs: GIT_TIMEOUT_MS }, keyPath);
  if (problem !== null) throw new UsageError(`change.commit.signing-key: ${problem}`);
  return keyPath;
}
