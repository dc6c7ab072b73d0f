/**
 * The E2B SDK's error classes in fleetmod's vocabulary. The SDK throws a different class for each way a
 * request fails (e2b-protocol.md §6); this is the one place that decides which of them mean "the sandbox is gone,
 * a fresh one can succeed", which mean "creating failed, try again later", and which are the repo's own problem.
 * `AuthenticationError` and `ServiceBusyError` are not `SandboxError`s, so each is named explicitly.
 */
import {
  AuthenticationError,
  FileNotFoundError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  NotFoundError,
  RateLimitError,
  SandboxError,
  ServiceBusyError,
  TemplateError,
  TimeoutError,
} from 'e2b';
import { FleetmodError, errorMessage } from '../../domain/errors.js';

/** Thrown when E2B refuses or fails an operation in a way a retry will not fix (bad template, no space…). */
export class E2bFailed extends FleetmodError {
  override readonly name = 'E2bFailed';
  readonly errorClass = 'permanent';
}

/**
 * Thrown when the host could not pack the checkout for upload (tar failed, no room for the tarball): fleetmod's own
 * side, not E2B's, so it is not reported as a failed upload or a lost sandbox.
 */
export class CheckoutNotPacked extends FleetmodError {
  override readonly name = 'CheckoutNotPacked';
  readonly errorClass = 'permanent';
}

/** Thrown when a repo's sandbox is lost a second time, after the one retry on a fresh sandbox. */
export class SandboxLostAgain extends FleetmodError {
  override readonly name = 'SandboxLostAgain';
  readonly errorClass = 'permanent';
}

/**
 * Thrown when moving files into or out of a sandbox outlives its deadline: the sandbox, or the way to it, stopped
 * answering, and a fresh sandbox may do better.
 */
export class TransferTimedOut extends Error {
  override readonly name = 'TransferTimedOut';
}

/** Whether a failed control-plane call (create, kill) is back-pressure or a passing outage (429, 5xx, network). */
export function isRetryableApiError(err: unknown): boolean {
  if (err instanceof RateLimitError || err instanceof ServiceBusyError) return true;
  if (err instanceof SandboxError && err.statusCode !== undefined) return err.statusCode >= 500;
  // Callers rule out their own stop first: a request that ran out of time is E2B being slow, not refusing.
  return isUnansweredRequest(err);
}

/**
 * Whether a failed create may still have made a sandbox: it got no answer (timed out, lost its connection), so
 * E2B may have received it and be starting the sandbox still. An answer, even a 5xx, says what happened.
 */
export function isUnansweredRequest(err: unknown): boolean {
  return isNetworkError(err) || isRequestTimeout(err);
}

/**
 * What an error from a running sandbox means: `lost` when the sandbox (or the connection to it) is gone — not
 * found, expired, killed, the stream dropped, envd overloaded — and `permanent` when the request itself was bad.
 */
export function classifySandboxFailure(err: unknown): 'lost' | 'permanent' {
  // The caller has ruled out its own stop: a request that timed out or was aborted is a sandbox not answering.
  if (err instanceof TransferTimedOut || isRequestTimeout(err)) return 'lost';
  if (err instanceof FileNotFoundError || err instanceof InvalidArgumentError) return 'permanent';
  if (err instanceof NotEnoughSpaceError || err instanceof TemplateError || err instanceof AuthenticationError) return 'permanent';
  if (err instanceof NotFoundError || err instanceof TimeoutError || err instanceof RateLimitError) return 'lost';
  if (err instanceof ServiceBusyError || err instanceof SandboxError) return 'lost';
  return isNetworkError(err) ? 'lost' : 'permanent';
}

/** Whether a `TimeoutError` is the command's own deadline (`timeoutMs`) rather than a dead sandbox. */
export function isCommandDeadline(err: unknown, elapsedMs: number, timeoutMs: number): boolean {
  return err instanceof TimeoutError && (err.message.includes('deadline_exceeded') || elapsedMs >= timeoutMs);
}

export function describeSdkError(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  return `${name}: ${errorMessage(err)}`;
}

/**
 * Whether a request ended at its deadline: the SDK's own `requestTimeoutMs` (an AbortSignal.timeout) or one of
 * fleetmod's, rejecting with a DOMException named TimeoutError — or AbortError, when the deadline reached the
 * request through another signal. Not the SDK's TimeoutError class, which is an answer from E2B.
 */
function isRequestTimeout(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code ?? ((err.cause as NodeJS.ErrnoException | undefined)?.code);
  if (code && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ENOTFOUND', 'UND_ERR_SOCKET'].includes(code)) return true;
  return err instanceof TypeError && /fetch failed|terminated/.test(err.message);
}
