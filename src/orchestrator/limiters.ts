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
  // Creations are spread evenly — "5/s" is one every 210 ms, never five at once — so that any rolling window of
  // the rate holds at most `count`, and a burst's requests cannot reach the provider spread out by the time it
  // takes to send them (the last of one burst and the first of the next would then fall into one window). The
  // spacing is a little longer than the rate (RATE_MARGIN) so latency on the way is not a burst either.
  const rate = options.sandboxRate;
  const creations = rate ? new PQueue({ interval: Math.ceil((rate.perMs * RATE_MARGIN) / rate.count), intervalCap: 1, strict: true }) : undefined;
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
