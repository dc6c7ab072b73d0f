/**
 * Turns what Octokit throws into fleetmod's typed errors, and reads the details GitHub puts in a 422. The class
 * says whether waiting can help: rate limits, 5xx and network failures are transient; the rest is permanent.
 */
import { CodeHostFailed, errorMessage } from '../../domain/errors.js';

/** The shape of Octokit's RequestError that fleetmod reads (checked structurally, not by class identity). */
export interface HttpFailure {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

export function isHttpFailure(err: unknown): err is HttpFailure {
  return err instanceof Error && typeof (err as Partial<HttpFailure>).status === 'number';
}

export function statusOf(err: unknown): number | undefined {
  return isHttpFailure(err) ? err.status : undefined;
}

/** Every message GitHub gave: the top-level one and each `errors[].message` (or `code`/`field` when no message). */
export function messagesOf(err: unknown): string[] {
  if (!isHttpFailure(err)) return [errorMessage(err)];
  const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const out: string[] = [];
  if (typeof data?.message === 'string') out.push(data.message);
  if (Array.isArray(data?.errors)) {
    for (const e of data.errors) {
      if (typeof e === 'string') out.push(e);
      else if (e && typeof e === 'object') {
        const { message, field, code } = e as { message?: unknown; field?: unknown; code?: unknown };
        if (typeof message === 'string') out.push(message);
        else out.push(`field: ${String(field)}, code: ${String(code)}`);
      }
    }
  }
  return out.length > 0 ? out : [err.message];
}

export function hasMessage(err: unknown, pattern: RegExp): boolean {
  return messagesOf(err).some((m) => pattern.test(m));
}

/** True for a 422 whose `errors` name `field` with `code` (e.g. base/invalid). */
export function hasFieldError(err: unknown, field: string, code: string): boolean {
  if (!isHttpFailure(err) || err.status !== 422) return false;
  const errors = (err.response?.data as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((e) => e && typeof e === 'object' && (e as { field?: unknown }).field === field && (e as { code?: unknown }).code === code);
}

/** Wraps a failed API call as CodeHostFailed, saying what was being done. */
export function toCodeHostError(err: unknown, doing: string): CodeHostFailed {
  if (err instanceof CodeHostFailed) return err;
  const status = statusOf(err);
  const detail = messagesOf(err).join('; ');
  if (status === undefined || status === 0) {
    return new CodeHostFailed(`GitHub: ${doing} failed: ${detail}`, 'transient', undefined, { cause: err });
  }
  // Octokit reports a request that got no answer at all (name not found, connection refused or reset, timed out)
  // as HTTP 500 without a response: it is a network failure, not an error GitHub returned.
  if (isHttpFailure(err) && err.response === undefined) {
    return new CodeHostFailed(`GitHub: ${doing} failed: no answer from GitHub (${detail})`, 'transient', undefined, { cause: err });
  }
  const rateLimited =
    status === 429 ||
    (status === 403 && (/secondary rate|rate limit|abuse detection/i.test(detail) || headerOf(err, 'x-ratelimit-remaining') === '0'));
  if (rateLimited) {
    return new CodeHostFailed(`GitHub: ${doing} was refused by a rate limit after retries (HTTP ${status}): ${detail}`, 'transient', status, { cause: err });
  }
  if (status >= 500) return new CodeHostFailed(`GitHub: ${doing} failed (HTTP ${status}): ${detail}`, 'transient', status, { cause: err });
  if (status === 401) {
    return new CodeHostFailed(`GitHub: ${doing} failed: the credentials were rejected (HTTP 401; check GITHUB_TOKEN / the GitHub App settings)`, 'permanent', status, { cause: err });
  }
  if (status === 404) {
    return new CodeHostFailed(`GitHub: ${doing} failed: not found, or the credentials cannot see it (HTTP 404)`, 'permanent', status, { cause: err });
  }
  return new CodeHostFailed(`GitHub: ${doing} failed (HTTP ${status}): ${detail}`, 'permanent', status, { cause: err });
}

function headerOf(err: unknown, name: string): string | undefined {
  return isHttpFailure(err) ? err.response?.headers?.[name] : undefined;
}

/** Runs one API call and rethrows its failure as CodeHostFailed. */
export async function call<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toCodeHostError(err, doing);
  }
}
