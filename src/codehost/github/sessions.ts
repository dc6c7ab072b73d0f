/**
 * The identities fleetmod acts as on one GitHub host, each with its own client. A token (or an App with a fixed
 * installation) is one identity for every repository; an App without GITHUB_APP_INSTALLATION_ID gets one
 * identity per installation, found by the repository's owner. All clients of the host share its pause gate; all
 * clients of the run share its write budget; each identity has its own serial write queue.
 */
import { CodeHostFailed, UsageError } from '../../domain/errors.js';
import type { Redactor } from '../../util/redact.js';
import type { ClientAuth, GithubApi } from './client.js';
import { identityName, type GithubCredentials } from './credentials.js';
import type { GithubEndpoint } from './endpoint.js';
import { call, statusOf, toCodeHostError } from './errors.js';
import type { GithubPacing } from './pacing.js';
import type { PauseGate } from './pause-gate.js';
import type { WriteBudget } from './write-budget.js';

export interface GithubSession {
  readonly api: GithubApi;
  /** Safe to log: `token:<hash>` or `app:<id>:installation:<id>`. */
  readonly identity: string;
  /** Whether this identity can own forks (a user token can; an App installation cannot). */
  readonly canFork: boolean;
  /** The token for git over HTTPS; App tokens are refreshed when less than five minutes are left. */
  gitToken(): Promise<string | undefined>;
  /** Login of the user behind a token, for forks and `user:` selectors; null for Apps and anonymous access. */
  login(): Promise<string | null>;
}

export interface GithubSessions {
  readonly endpoint: GithubEndpoint;
  readonly credentials: GithubCredentials['kind'];
  /** The identity that acts on repositories of `owner`. */
  forOwner(owner: string): Promise<GithubSession>;
}

export interface GithubSessionsOptions {
  endpoint: GithubEndpoint;
  credentials: GithubCredentials;
  gate: PauseGate;
  budget: WriteBudget;
  /** `limits.pr-rate`, when the job sets one. */
  prBudget?: WriteBudget;
  pacing: GithubPacing;
  /** Learns every token fetched at run time (App installation tokens) so no log or row can show it. */
  redactor?: Redactor;
  warn?: (message: string) => void;
  fetch?: typeof globalThis.fetch;
  /** The run's hard stop: ends every GitHub wait and request at once (paced-fetch.ts). */
  signal?: AbortSignal;
}

const REFRESH_BEFORE_MS = 5 * 60_000;

export function createGithubSessions(options: GithubSessionsOptions): GithubSessions {
  const { endpoint, credentials } = options;
  const warn = options.warn ?? (() => undefined);

  // The client (Octokit and its plugins, a large module tree) is loaded with the first session: a run without a
  // GitHub repository never loads it.
  const client = async (auth: ClientAuth, identity: string): Promise<GithubApi> => {
    const [{ createGithubClient }, { createPacedFetch }] = await Promise.all([import('./client.js'), import('./paced-fetch.js')]);
    return createGithubClient({
      apiUrl: endpoint.apiUrl,
      id: `${endpoint.host}|${identity}`,
      auth,
      fetch: createPacedFetch({
        apiUrl: endpoint.apiUrl,
        gate: options.gate,
        budget: options.budget,
        pacing: options.pacing,
        ...(options.fetch && { fetch: options.fetch }),
        ...(options.signal && { signal: options.signal }),
        onBudgetWait: (ms, window) =>
          warn(`GitHub write budget of the ${window} is used up (${window === 'minute' ? options.pacing.perMinute : options.pacing.perHour} requests); waiting ${Math.ceil(ms / 1000)}s`),
        ...(options.prBudget && {
          prBudget: options.prBudget,
          onPrRateWait: (ms: number) => warn(`limits.pr-rate reached; the next pull request opens in ${Math.ceil(ms / 1000)}s`),
        }),
      }),
      retryBaseMs: options.pacing.retryBaseMs,
      secondaryFallbackSeconds: options.pacing.secondaryFallbackSeconds,
      warn,
    });
  };

  const session = async (auth: ClientAuth, identity: string): Promise<GithubSession> => {
    const api = await client(auth, identity);
    let login: Promise<string | null> | undefined;
    return {
      api,
      identity,
      canFork: auth.kind === 'token',
      async gitToken() {
        if (auth.kind === 'token') return auth.token;
        if (auth.kind === 'none') return undefined;
        return installationToken(api, options.redactor);
      },
      login() {
        if (auth.kind !== 'token') return Promise.resolve(null);
        if (!login) {
          login = call('reading the authenticated user', async () => (await api.rest.users.getAuthenticated()).data.login);
          // A failure is not remembered: the next repository asks again.
          login.catch(() => {
            login = undefined;
          });
        }
        return login;
      },
    };
  };

  if (credentials.kind !== 'app' || credentials.installationId !== undefined) {
    const auth: ClientAuth = credentials.kind === 'token' ? { kind: 'token', token: credentials.token } : credentials;
    let only: Promise<GithubSession> | undefined;
    return { endpoint, credentials: credentials.kind, forOwner: () => (only ??= session(auth, identityName(credentials))) };
  }

  // An App without a fixed installation: the App itself (JWT) finds the installation for each owner.
  let appApi: Promise<GithubApi> | undefined;
  const byOwner = new Map<string, Promise<GithubSession>>();
  const byInstallation = new Map<number, Promise<GithubSession>>();
  const find = async (owner: string): Promise<GithubSession> => {
    appApi ??= client({ kind: 'app', appId: credentials.appId, privateKey: credentials.privateKey }, identityName(credentials));
    const installationId = await installationFor(await appApi, owner);
    let found = byInstallation.get(installationId);
    if (!found) {
      found = session({ kind: 'app', appId: credentials.appId, privateKey: credentials.privateKey, installationId }, identityName(credentials, installationId));
      byInstallation.set(installationId, found);
    }
    return found;
  };
  return {
    endpoint,
    credentials: credentials.kind,
    forOwner(owner) {
      const key = owner.toLowerCase();
      let found = byOwner.get(key);
      if (!found) {
        found = find(owner);
        byOwner.set(key, found);
        found.catch(() => byOwner.delete(key));
      }
      return found;
    },
  };
}

async function installationFor(appApi: GithubApi, owner: string): Promise<number> {
  try {
    return (await appApi.rest.apps.getOrgInstallation({ org: owner })).data.id;
  } catch (err) {
    if (statusOf(err) !== 404) throw toCodeHostError(err, `finding the GitHub App installation for ${owner}`);
  }
  try {
    return (await appApi.rest.apps.getUserInstallation({ username: owner })).data.id;
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new CodeHostFailed(`the GitHub App is not installed for ${owner} (set GITHUB_APP_INSTALLATION_ID or install the App there)`, 'permanent', 404);
    }
    throw toCodeHostError(err, `finding the GitHub App installation for ${owner}`);
  }
}

interface InstallationToken {
  token: string;
  expiresAt: string;
}

async function installationToken(api: GithubApi, redactor: Redactor | undefined): Promise<string> {
  const get = async (refresh: boolean): Promise<InstallationToken> =>
    call('creating a GitHub App installation token', async () => (await api.auth({ type: 'installation', ...(refresh && { refresh }) })) as InstallationToken);
  let auth = await get(false);
  if (Date.parse(auth.expiresAt) - Date.now() < REFRESH_BEFORE_MS) auth = await get(true);
  redactor?.add(auth.token);
  return auth.token;
}

/** Fails early, with the fix, when GitHub repositories are in a run that has no way to authenticate. */
export function assertCanWrite(credentials: GithubCredentials, githubRepos: number): void {
  if (credentials.kind !== 'none' || githubRepos === 0) return;
  throw new UsageError(
    `${githubRepos} repositor${githubRepos === 1 ? 'y is' : 'ies are'} on GitHub but no credentials are set: export GITHUB_TOKEN (or GH_TOKEN), or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY for a GitHub App`,
  );
}
