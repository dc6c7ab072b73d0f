/**
 * Sandboxes E2B makes for creates fleetmod gave up on. A create that timed out or lost its connection may still
 * complete on E2B's side after the SDK stopped listening: a billed sandbox that nobody holds, running until its
 * lifetime ends. Each create attempt carries a create-id of its own (layout.ts); after such a failure the watch
 * lists by it until the sandbox shows up — and kills it — or the watch window closes.
 */
import type { E2B } from 'e2b';
import { formatDuration } from '../../util/units.js';
import { describeSdkError } from './errors.js';
import { killSandboxes, listFleetmodSandboxes } from './leftovers.js';

export interface OrphanWatchOptions {
  /** How long after the failure E2B may still start the sandbox. @default 60000 (one more SDK request deadline) */
  windowMs?: number;
  /** Time between two looks. @default 2000 */
  pollMs?: number;
}

export interface OrphanWatch {
  /** Looks for the sandbox of a create attempt that failed without an answer, in the background. */
  watch(createId: string, what: string): void;
  /** Resolves when every watch has ended (found its sandbox, or its window closed). */
  settled(): Promise<void>;
}

export function createOrphanWatch(client: E2B, notice: (message: string) => void, options: OrphanWatchOptions = {}): OrphanWatch {
  const windowMs = options.windowMs ?? 60_000;
  const pollMs = options.pollMs ?? 2_000;
  const watches = new Set<Promise<void>>();

  const look = async (createId: string, what: string): Promise<void> => {
    const until = performance.now() + windowMs;
    let lastError: unknown;
    for (;;) {
      try {
        const found = await listFleetmodSandboxes(client, { createId });
        if (found.length > 0) {
          const outcome = await killSandboxes(client, found.map((s) => s.id));
          for (const id of outcome.killed) notice(`killed E2B sandbox ${id}: E2B made it after ${what} had failed without an answer`);
          for (const f of outcome.failed) notice(`could not kill E2B sandbox ${f.id}, made after ${what} had failed: ${f.error}; it stops at its timeout, or run: fleetmod sandboxes --kill`);
          return;
        }
      } catch (err) {
        lastError = err;
      }
      if (performance.now() + pollMs > until) {
        if (lastError !== undefined) notice(`could not look for a sandbox E2B may have made after ${what} failed (${describeSdkError(lastError)}); run: fleetmod sandboxes`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };

  return {
    watch(createId, what) {
      const watching = look(createId, what).finally(() => watches.delete(watching));
      watches.add(watching);
    },
    async settled() {
      if (watches.size > 0) {
        notice(`waiting up to ${formatDuration(windowMs)} for ${watches.size} E2B create(s) that failed without an answer, to kill the sandbox E2B may still make`);
      }
      await Promise.allSettled([...watches]);
    },
  };
}
