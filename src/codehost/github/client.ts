/**
 * One Octokit per host and identity, with plugin-throttling (classifies 403/429 rate limits and retries them
 * after the wait GitHub names) and plugin-retry (5xx and network failures). Pacing is not left to the plugins:
 * their queues are module-wide and space the *reservation* of a write, not its sending, so every request goes
 * through the paced fetch (pause gate, serial write queue, budget) given here.
 */
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const GithubOctokit = Octokit.plugin(throttling, retry);
export type GithubApi = InstanceType<typeof GithubOctokit>;

export type ClientAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: string; privateKey: string; installationId?: number }
  | { kind: 'none' };

export interface GithubClientOptions {
  apiUrl: string;
  /** `<host>|<identity>`: plugin-throttling keeps its queues per id, so two identities never wait for each other. */
  id: string;
  auth: ClientAuth;
  fetch: typeof globalThis.fetch;
  /** Base of plugin-retry's backoff in ms. */
  retryBaseMs: number;
  /** Wait after a secondary limit without retry-after, in seconds (the pause gate uses the same). */
  secondaryFallbackSeconds: number;
  userAgent?: string;
  warn?: (message: string) => void;
}

/** Retries of one request refused by a secondary limit, and by an exhausted primary window. */
export const SECONDARY_RETRIES = 3;
export const PRIMARY_RETRIES = 1;

/**
 * The plugin's own write and notification queues, made pass-through: the paced fetch already sends mutating
 * requests one at a time with the required gaps, measured when they are actually sent. Only `key().schedule()` is
 * used by the plugin; the cast is to its Bottleneck.Group type.
 */
const passThrough = {
  key: () => ({ schedule: <T>(_options: unknown, work: () => Promise<T>) => work() }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

export function createGithubClient(options: GithubClientOptions): GithubApi {
  const warn = options.warn ?? (() => undefined);
  const auth =
    options.auth.kind === 'token'
      ? { auth: options.auth.token }
      : options.auth.kind === 'app'
        ? {
            authStrategy: createAppAuth,
            auth: {
              appId: options.auth.appId,
              privateKey: options.auth.privateKey,
              ...(options.auth.installationId !== undefined && { installationId: options.auth.installationId }),
            },
          }
        : {};
  return new GithubOctokit({
    ...auth,
    baseUrl: options.apiUrl,
    userAgent: options.userAgent ?? 'fleetmod',
    request: { fetch: options.fetch },
    // Octokit logs every failed request as an error ("GET /repos/… - 500 with id UNKNOWN"); each failure reaches
    // fleetmod as a typed error and is reported once, with what was being done. Warnings (deprecations) are passed on.
    log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
    throttle: {
      id: options.id,
      fallbackSecondaryRateRetryAfter: options.secondaryFallbackSeconds,
      write: passThrough,
      notifications: passThrough,
      // The paced fetch has already closed the host's pause gate; these only decide whether to try again.
      onSecondaryRateLimit: (_after: number, _request: unknown, _octokit: unknown, retryCount: number) => retryCount < SECONDARY_RETRIES,
      onRateLimit: (_after: number, _request: unknown, _octokit: unknown, retryCount: number) => retryCount < PRIMARY_RETRIES,
    },
    // 429 belongs to the throttling plugin: plugin-retry would retry it blindly, ignoring retry-after.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retryAfterBaseValue: options.retryBaseMs },
  });
}
