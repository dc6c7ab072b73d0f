/**
 * Which commits on a branch are fleetmod's own, and so may be replaced: those with this job's `Fleetmod-Job:`
 * trailer, authored AND committed by the job's commit identity. The trailer alone is not enough: a person who
 * amends or rebases fleetmod's commit keeps its message (and, amending, its author) but becomes its committer, and
 * their work must not be overwritten. Anything else on the branch is a human's edit — except what fleetmod's own
 * commits stand on: that was the base when fleetmod committed, and it is still in the range only because the base
 * was rewritten since (an amended or force-pushed main).
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

/** The commits that are not fleetmod's, nor history its commits stand on, in the order given. */
export function foreignCommits(commits: readonly RemoteCommit[], owner: CommitOwner): RemoteCommit[] {
  const trailer = new RegExp(`^${FLEETMOD_TRAILER}: ${escapeRegExp(owner.jobName)}$`, 'm');
  // Email addresses are compared without case: git keeps what it was given, and people type them differently.
  const ours = owner.identity.email.toLowerCase();
  const own = (c: RemoteCommit) => trailer.test(c.message) && c.authorEmail.toLowerCase() === ours && c.committerEmail.toLowerCase() === ours;
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const beneath = new Set<string>();
  const pending = commits.filter(own).flatMap((c) => c.parents);
  for (let sha = pending.pop(); sha !== undefined; sha = pending.pop()) {
    const commit = bySha.get(sha);
    if (!commit || beneath.has(sha)) continue;
    beneath.add(sha);
    pending.push(...commit.parents);
  }
  return commits.filter((c) => !own(c) && !beneath.has(c.sha));
}
