/**
 * Separate limits per stage: git operations per git host, sandboxes per provider. Compute concurrency (how many
 * repos are in flight) is set on the task queue; these bound the expensive resources inside it.
 */
import PQueue from 'p-queue';
import type { RepoRef } from '../domain/repo.js';

export interface StageLimiters {
  /**
   * Runs a git network operation (clone, fetch, ls-remote, push) within the limit of the repo's git host; of those
   * waiting, the one of the stage furthest along (GIT_STAGE) goes first.
   */
  git<T>(repo: RepoRef, operation: () => Promise<T>, stage?: GitStage): Promise<T>;
  /** Runs work that holds a sandbox within the provider's limit. */
  sandbox<T>(operation: () => Promise<T>): Promise<T>;
  /**
   * Resolves when one sandbox creation may be made within the creation rate (at once when none is set). Every
   * attempt takes one — a retry of a refused create too — so retries never add to a burst. Rejects with the
   * signal's reason as soon as `signal` aborts; an abandoned wait gives its place back.
   */
  creationSlot(signal?: AbortSignal): Promise<void>;
}

export interface StageLimitOptions {
  gitPerHost: number;
  sandboxes: number;
  /** At most `count` sandbox creations per `perMs`. */
  sandboxRate?: { count: number; perMs: number };
}

/**
 * Which git operations go first when a git host's limit is reached: a repository further along before one that is
 * just starting. With a hundred repos in flight and four git operations at a time, first-come order would resolve
 * all hundred before the first one's checkout — and so before the first sandbox; this way the first checkout
 * follows its resolve at once, and repos finish rather than all sitting half-done.
 */
export const GIT_STAGE = { resolve: 0, checkout: 1, publish: 2 } as const;
export type GitStage = keyof typeof GIT_STAGE;

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
    git(repo, operation, stage = 'resolve') {
      const host = gitHostOf(repo);
      let queue = gitQueues.get(host);
      if (!queue) {
        queue = new PQueue({ concurrency: options.gitPerHost });
        gitQueues.set(host, queue);
      }
      return queue.add(operation, { priority: GIT_STAGE[stage] });
    },
    sandbox(operation) {
      return sandboxQueue.add(operation);
    },
    async creationSlot(signal) {
      // Queued with the caller's signal: on a hard stop every waiting repo leaves the queue at once (p-queue
      // removes it and hands back its interval), instead of each taking its slot — and sending a create — in turn.
      await creations?.add(() => undefined, signal ? { signal } : {});
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
