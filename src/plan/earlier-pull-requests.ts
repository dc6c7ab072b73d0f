/**
 * The pull requests an earlier run opened or updated, as they are on GitHub now. The journal says they are open,
 * but a person may have merged or closed one since, and `fleetmod run` treats each by its state when it gets there
 * (run-task.ts's resolve stage, declined.ts). Only reads: a PR, and the comments of a closed one (whether fleetmod
 * closed it) — nothing of the write budget.
 */
import type { CodeHost } from '../codehost/types.js';
import { errorMessage } from '../domain/errors.js';
import type { RepoRef } from '../domain/repo.js';
import { declinedReason } from '../orchestrator/declined.js';
import { eachAtMost } from '../util/each-at-most.js';

/** An earlier PR as GitHub has it now, in the terms of what the run does with it. */
export type EarlierPrNow =
  /** Still open: the run updates it (or leaves it, or recreates it, by change.on-existing). */
  | { state: 'open' }
  /** Merged since: no answer to a later change; the run opens a new PR if it still changes the repository. */
  | { state: 'merged' }
  /** Closed by fleetmod (close-stale, on-existing: recreate): the run opens a new PR if it changes the repository. */
  | { state: 'closed-by-fleetmod' }
  /** Closed without merging by a person: the change was declined, and the run skips the repository with `reason`. */
  | { state: 'declined'; reason: string }
  /** GitHub no longer has it: the run finds no PR, and opens one if it changes the repository. */
  | { state: 'gone' };

export interface EarlierPr {
  repo: RepoRef;
  number: number;
}

/**
 * The state of each PR, by repository key. One that cannot be read is left out (the plan shows it as the journal has
 * it) and `warn` says so.
 */
export async function readEarlierPrs(
  codeHostFor: (repo: RepoRef) => CodeHost,
  prs: readonly EarlierPr[],
  warn: (message: string) => void,
): Promise<Map<string, EarlierPrNow>> {
  const states = new Map<string, EarlierPrNow>();
  // A few at a time, as status --refresh reads them: cheap reads, but a fleet of PRs should not become a burst.
  await eachAtMost(prs, 4, async ({ repo, number }) => {
    try {
      const host = codeHostFor(repo);
      if (!host.getPullRequest) return;
      states.set(repo.key, await stateNow(host, repo, number));
    } catch (err) {
      warn(`pull request #${number} of ${repo.display} could not be read from GitHub (${errorMessage(err)}); it is shown as the journal has it (open)`);
    }
  });
  return states;
}

async function stateNow(host: CodeHost, repo: RepoRef, number: number): Promise<EarlierPrNow> {
  const pr = await (host.getPullRequest as NonNullable<CodeHost['getPullRequest']>)(repo, number);
  if (!pr) return { state: 'gone' };
  if (pr.state === 'open' || pr.state === 'merged') return { state: pr.state };
  // The run's own rule, with the run's own words for the skip.
  const reason = await declinedReason(host, repo, { number, url: pr.url, state: 'closed', closedAt: pr.closedAt ?? null });
  return reason ? { state: 'declined', reason } : { state: 'closed-by-fleetmod' };
}
