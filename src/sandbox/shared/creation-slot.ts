/**
 * Waiting for the job's creation rate before a sandbox is created, abortably: the wait can be long (one rate
 * interval per repo ahead in the queue), and a hard stop during it must not be followed by a create — on E2B that
 * would start a billed sandbox only to kill it at once.
 */
import { Interrupted } from '../../domain/errors.js';
import type { SandboxRequest } from '../types.js';

export async function waitForCreationSlot(request: Pick<SandboxRequest, 'creationSlot' | 'signal'>, signal = request.signal): Promise<void> {
  try {
    await request.creationSlot?.(signal);
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
  // Also when the slot came at once (no rate) or just before the abort: nothing may be created after a stop.
  if (signal?.aborted) throw new Interrupted('stopped while waiting to create a sandbox');
}
