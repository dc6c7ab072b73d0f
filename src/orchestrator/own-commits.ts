/**
 * Which commits on a branch are fleetmod's own, and so may be replaced: those with this job's `Fleetmod-Job:`
 * trailer, authored AND committed by the job's commit identity. The trailer alone is not enough: a person who
 * amends or rebases fleetmod's commit keeps its message (and, amending, its author) but becomes its committer, and
 * their work must not be overwritten. Anything else on the branch is a human's edit.
 */
import type { RemoteCommit } from '../git/host-git.js';
import type { Identity } from '../manifest/job.js';
import { escapeRegExp } from '../util/redact.js';

export const FLEETMOD_TRAILER = 'Fleetmod-Job';

export interface CommitOwner {
  /** The job's name, which the trailer carries. */
  jobName: string;
  /** The identity fleetmod commits as (change.commit.author), as author and committer. */
  identity: Identity;
}

/** The commits that are not fleetmod's, in the order given. */
export function foreignCommits(commits: readonly RemoteCommit[], owner: CommitOwner): RemoteCommit[] {
  const trailer = new RegExp(`^${FLEETMOD_TRAILER}: ${escapeRegExp(owner.jobName)}$`, 'm');
  // Email addresses are compared without case: git keeps what it was given, and people type them differently.
  const ours = owner.identity.email.toLowerCase();
  return commits.filter((c) => !trailer.test(c.message) || c.authorEmail.toLowerCase() !== ours || c.committerEmail.toLowerCase() !== ours);
}
