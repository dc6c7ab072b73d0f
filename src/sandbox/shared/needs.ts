/** What a job asks its sandbox to enforce, for `SandboxProvider.check(needs)` before a run starts. */
import type { Job } from '../../manifest/job.js';
import type { SandboxNeeds } from '../types.js';

/** The process limit a job gets when its manifest does not set `sandbox.pids` (see manifest/normalize.ts). */
export const DEFAULT_PIDS = 1024;

export function sandboxNeeds(job: Job): SandboxNeeds {
  const s = job.sandbox;
  return {
    ...(s.memoryBytes !== undefined && { memoryBytes: s.memoryBytes }),
    ...(s.cpus !== undefined && { cpus: s.cpus }),
    pids: s.pids,
    // The normalized job no longer says whether pids was written; a value other than the default surely was.
    pidsExplicit: s.pids !== DEFAULT_PIDS,
    ...(s.diskBytes !== undefined && { diskBytes: s.diskBytes }),
    tmpBytes: s.tmpBytes,
    network: s.network,
  };
}
