/**
 * Sandboxes E2B makes for creates fleetmod gave up on. A create that timed out or lost its connection may still
 * complete on E2B's side after the SDK stopped listening: a billed sandbox that nobody holds, running until its
 * lifetime ends. Each create attempt carries a create-id of its own (layout.ts); after such a failure the watch
 * looks for it until its sandbox shows up — and kills it — or the watch window closes. One look every poll serves
 * every create being watched: when E2B stops answering, many creates fail at once, and a listing each would add
 * to the load that made them fail.
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
  /** Looks for the sandbox of a create attempt (of `run`, when labelled with one) that failed without an answer. */
  watch(createId: string, what: string, run?: string): void;
  /** Resolves when every watch has ended (found its sandbox, or its window closed). */
  settled(): Promise<void>;
}

interface Watched {
  what: string;
  run: string | undefined;
  until: number;
}

export function createOrphanWatch(client: E2B, notice: (message: string) => void, options: OrphanWatchOptions = {}): OrphanWatch {
  const windowMs = options.windowMs ?? 60_000;
  const pollMs = options.pollMs ?? 2_000;
  const watched = new Map<string, Watched>();
  let looking: Promise<void> | undefined;

  const look = async (): Promise<void> => {
    let lastError: unknown;
    try {
      const runs = new Set([...watched.values()].map((w) => w.run));
      const listed = (await Promise.all([...runs].map((run) => listFleetmodSandboxes(client, run === undefined ? {} : { run })))).flat();
      const found = listed.filter((s) => watched.has(s.createId));
      if (found.length > 0) {
        const whatOf = new Map(found.map((s) => [s.id, (watched.get(s.createId) as Watched).what]));
        for (const s of found) watched.delete(s.createId);
        const outcome = await killSandboxes(client, found.map((s) => s.id));
        for (const id of outcome.killed) notice(`killed E2B sandbox ${id}: E2B made it after ${whatOf.get(id)} had failed without an answer`);
        for (const f of outcome.failed) notice(`could not kill E2B sandbox ${f.id}, made after ${whatOf.get(f.id)} had failed: ${f.error}; it stops at its timeout, or run: fleetmod sandboxes --kill`);
      }
    } catch (err) {
      lastError = err;
    }
    const now = performance.now();
    for (const [createId, w] of watched) {
      if (now + pollMs <= w.until) continue;
      watched.delete(createId);
      if (lastError !== undefined) notice(`could not look for a sandbox E2B may have made after ${w.what} failed (${describeSdkError(lastError)}); run: fleetmod sandboxes`);
    }
  };

  const keepLooking = async (): Promise<void> => {
    for (;;) {
      await look();
      if (watched.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  // One loop at a time; a watch added while it was ending starts the next.
  const start = (): void => {
    looking ??= keepLooking().finally(() => {
      looking = undefined;
      if (watched.size > 0) start();
    });
  };

  return {
    watch(createId, what, run) {
      watched.set(createId, { what, run, until: performance.now() + windowMs });
      start();
    },
    async settled() {
      if (watched.size > 0) {
        notice(`waiting up to ${formatDuration(windowMs)} for ${watched.size} E2B create(s) that failed without an answer, to kill the sandbox E2B may still make`);
      }
      while (looking) await looking;
    },
  };
}
