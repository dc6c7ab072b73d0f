/**
 * Separate limits per stage: git operations per git host, sandboxes per provider. Compute concurrency (how many
 * repos are in flight) is set on the task queue; these bound the expensive resources inside it.
 */
import PQueue from 'p-queue';
import type { RepoRef } from '../domain/repo.js';

export interface StageLimiters {
  /** Runs a git network operation (clone, fetch, ls-remote, push) within the limit of the repo's git host. */
  git<T>(repo: RepoRef, operation: () => Promise<T>): Promise<T>;
  /** Runs work that holds a sandbox within the provider's limit. */
  sandbox<T>(operation: () => Promise<T>): Promise<T>;
  /**
   * Resolves when one sandbox creation may be made within the creation rate (at once when none is set). Every
   * attempt takes one — a retry of a refused create too — so retries never add to a burst.
   */
  creationSlot(): Promise<void>;
}

export interface StageLimitOptions {
  gitPerHost: number;
  sandboxes: number;
  /** At most `count` sandbox creations per `perMs`. */
  sandboxRate?: { count: number; perMs: number };
}

/** Creation-rate windows are this much longer than the configured rate (5%). */
export const RATE_MARGIN = 1.05;

export function createStageLimiters(options: StageLimitOptions): StageLimiters {
  const gitQueues = new Map<string, PQueue>();
  const sandboxQueue = new PQueue({ concurrency: options.sandboxes });
  // p-queue's strict mode counts starts in a rolling window, so "5/s" never means 10 within one second across a
  // window edge. The window is a little longer than the limit so that latency between here and the provider's
  // edge does not add up to a burst.
  const rate = options.sandboxRate;
  const creations = rate ? new PQueue({ interval: Math.ceil(rate.perMs * RATE_MARGIN), intervalCap: rate.count, strict: true }) : undefined;
  return {
    git(repo, operation) {
      const host = gitHostOf(repo);
      let queue = gitQueues.get(host);
      if (!queue) {
        queue = new PQueue({ concurrency: options.gitPerHost });
        gitQueues.set(host, queue);
      }
      return queue.add(operation);
    },
    sandbox(operation) {
      return sandboxQueue.add(operation);
    },
    async creationSlot() {
      await creations?.add(() => undefined);
    },
  };
}

export function gitHostOf(repo: RepoRef): string {
  if (repo.kind === 'local') return 'local';
  const scp = /^[^@/]+@([^:/]+):/.exec(repo.url);
  if (scp) return scp[1] as string;
  try {
    return new URL(repo.url).host || 'local';
  } catch {
    return 'unknown';
  }
}
