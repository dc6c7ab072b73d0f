/**
 * Sends a packed repository checkout into a fresh sandbox within a deadline. The SDK applies `requestTimeoutMs` only
 * to a body it holds whole; a streamed body (the tarball) is bounded by the caller's signal alone (files.write), so a
 * stalled upload would wait for ever. The deadline is therefore a signal of its own beside the request's stop
 * signal, and its expiry is told apart from a stop: a stop is an interruption, a deadline a sandbox not answering.
 * The caller packs (before the sandbox exists, so E2B does not bill the host's tar) and disposes of the pack.
 */
import type { Sandbox as SdkSandbox } from 'e2b';
import { Interrupted } from '../../domain/errors.js';
import { formatDuration } from '../../util/units.js';
import type { SandboxRequest } from '../types.js';
import { TransferTimedOut } from './errors.js';
import { uploadEntries, type PackedWorkspace } from './workspace.js';

export async function uploadCheckout(sdk: SdkSandbox, packed: PackedWorkspace, request: Pick<SandboxRequest, 'files' | 'signal'>, limitMs: number): Promise<void> {
  const deadline = AbortSignal.timeout(limitMs);
  try {
    await sdk.files.write(await uploadEntries(packed, request.files), {
      requestTimeoutMs: limitMs,
      signal: request.signal ? AbortSignal.any([request.signal, deadline]) : deadline,
    });
  } catch (err) {
    if (request.signal?.aborted) throw new Interrupted('stopped while uploading the checkout');
    if (deadline.aborted) throw new TransferTimedOut(`the checkout (${packed.bytes} bytes packed) did not arrive within ${formatDuration(limitMs)}`, { cause: err });
    throw err;
  }
}
