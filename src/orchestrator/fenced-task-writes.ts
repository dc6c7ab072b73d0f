/**
 * What a process writes about its repositories reaches the journal only while the run is still its own. A process
 * suspended past its stale heartbeat (Ctrl-Z, a frozen VM) may have had its run taken over (run-claim.ts); on waking
 * it is in the middle of repositories the new owner may be running again, and their task rows are the new owner's
 * now: a step result, a diff or a log line written over them would mix two processes' work. The checks before each
 * repository, each retry, each push and pull request write, and before the outcome stop the work itself; this keeps
 * the writes between them out.
 *
 * Asking the journal before every write would double the writes, so ownership confirmed less than a heartbeat
 * interval ago is taken as still held: another process may take the run only once the heartbeat is STALE_HEARTBEAT_MS
 * old (run-liveness.ts), far longer than that. A process that was suspended finds its confirmation old when it wakes
 * and asks again before its first write.
 */
import type { RunStore } from '../store/types.js';

/** The store's writes about one repository's work, each of which returns nothing. */
const TASK_WRITES = [
  'appendTaskLog',
  'updateTask',
  'recordStage',
  'addStepResult',
  'addCandidate',
  'adoptResult',
  'logEvent',
  'recordRetry',
  'releaseTask',
  'finishTask',
] as const satisfies readonly (keyof RunStore)[];

/** The store, with the task writes dropped once `owned` says the run is another process's. */
export function fenceTaskWrites(store: RunStore, owned: () => boolean): RunStore {
  const fenced: Partial<Record<(typeof TASK_WRITES)[number], (...args: never[]) => void>> = {};
  for (const name of TASK_WRITES) {
    const write = store[name] as (...args: unknown[]) => void;
    fenced[name] = (...args: unknown[]) => {
      if (owned()) write(...args);
    };
  }
  return { ...store, ...fenced };
}

/**
 * `confirm` asks the journal (and renews the heartbeat); the result is trusted for `leaseMs` after a confirmation,
 * which must stay well under the stale-heartbeat age. A clock that went back does not extend it.
 */
export function leasedOwnership(confirm: () => boolean, now: () => number, leaseMs: number): { owned: () => boolean; confirmed: () => void } {
  let confirmedAt: number | undefined;
  return {
    owned() {
      const age = confirmedAt === undefined ? Infinity : now() - confirmedAt;
      if (age >= 0 && age < leaseMs) return true;
      return confirm();
    },
    confirmed() {
      confirmedAt = now();
    },
  };
}
