/** The headline counts: every repo lands in exactly one bucket, so the buckets add up to the total. */
import type { Headline, RepoEntry } from './model.js';

export interface HeadlineOptions {
  /** The run crashed: repos it left mid-way are pending, nobody is running them now. @default false */
  stalled?: boolean;
}

export function countHeadline(repos: readonly RepoEntry[], options: HeadlineOptions = {}): Headline {
  const h: Headline = {
    total: repos.length,
    changedWithPr: 0,
    prOpened: 0,
    prUpdated: 0,
    changedWithoutPr: 0,
    pushed: 0,
    dryRun: 0,
    unchanged: 0,
    prClosed: 0,
    verifyFailed: 0,
    failed: 0,
    failedTransient: 0,
    failedPermanent: 0,
    editedByHuman: 0,
    skipped: 0,
    pending: 0,
    running: 0,
  };
  for (const r of repos) {
    if (r.status === 'running' && !options.stalled) h.running += 1;
    switch (r.outcome) {
      case null:
        h.pending += 1;
        break;
      case 'pr-opened':
        h.prOpened += 1;
        h.changedWithPr += 1;
        break;
      case 'pr-updated':
        h.prUpdated += 1;
        h.changedWithPr += 1;
        break;
      case 'pushed':
        h.pushed += 1;
        h.changedWithoutPr += 1;
        break;
      case 'dry-run':
        h.dryRun += 1;
        h.changedWithoutPr += 1;
        break;
      case 'unchanged':
        h.unchanged += 1;
        break;
      case 'pr-closed':
        h.prClosed += 1;
        h.unchanged += 1;
        break;
      case 'verify-failed':
        h.verifyFailed += 1;
        break;
      case 'edited-by-human':
        h.editedByHuman += 1;
        h.failed += 1;
        break;
      case 'failed':
        h.failed += 1;
        if (r.errorClass === 'transient') h.failedTransient += 1;
        else h.failedPermanent += 1;
        break;
      case 'skipped':
        h.skipped += 1;
        break;
    }
  }
  return h;
}
