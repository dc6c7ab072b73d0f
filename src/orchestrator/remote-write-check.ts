/**
 * The last look before fleetmod writes to a repository's remote or its code host. A process suspended past its
 * stale heartbeat (Ctrl-Z, a frozen VM) may have had its run taken over by another process (run-claim.ts), and may
 * wake in the middle of a repository that the other is working on too — before its heartbeat timer, which would stop
 * it, has fired. So every push, and every pull request opened, updated or closed, first asks whether the run is still
 * this process's (the same look renews its heartbeat).
 */
import { RunTakenOver } from '../domain/errors.js';

/** Throws RunTakenOver, instead of letting `what` happen, when the run is no longer this process's. */
export type BeforeRemoteWrite = (what: string) => void;

export function remoteWriteCheck(runId: string, ownsRun: () => boolean): BeforeRemoteWrite {
  return (what) => {
    if (!ownsRun()) throw new RunTakenOver(`not ${what}: run ${runId} was taken over by another process`);
  };
}
