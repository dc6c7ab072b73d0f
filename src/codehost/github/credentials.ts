/**
 * Which identity fleetmod acts as on GitHub, from the environment: a GitHub App (GITHUB_APP_ID with
 * GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, optionally GITHUB_APP_INSTALLATION_ID) wins over a token
 * (GITHUB_TOKEN, then GH_TOKEN), because CI runners set GITHUB_TOKEN even where an App is meant to be used.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { UsageError } from '../../domain/errors.js';

export type GithubCredentials =
  | { kind: 'token'; token: string; source: 'GITHUB_TOKEN' | 'GH_TOKEN' }
  | { kind: 'app'; appId: string; privateKey: string; installationId?: number }
  | { kind: 'none' };

export function githubCredentials(env: NodeJS.ProcessEnv): GithubCredentials {
  const appId = env.GITHUB_APP_ID?.trim();
  if (appId) {
    const privateKey = appPrivateKey(env);
    const rawInstallation = env.GITHUB_APP_INSTALLATION_ID?.trim();
    if (rawInstallation && !/^\d+$/.test(rawInstallation)) {
      throw new UsageError(`GITHUB_APP_INSTALLATION_ID must be a number, got "${rawInstallation}"`);
    }
    return { kind: 'app', appId, privateKey, ...(rawInstallation && { installationId: Number(rawInstallation) }) };
  }
  if (env.GITHUB_TOKEN) return { kind: 'token', token: env.GITHUB_TOKEN, source: 'GITHUB_TOKEN' };
  if (env.GH_TOKEN) return { kind: 'token', token: env.GH_TOKEN, source: 'GH_TOKEN' };
  return { kind: 'none' };
}

function appPrivateKey(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_APP_PRIVATE_KEY) return env.GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, '\n');
  const file = env.GITHUB_APP_PRIVATE_KEY_FILE;
  if (!file) throw new UsageError('GITHUB_APP_ID is set but neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_FILE is');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`GITHUB_APP_PRIVATE_KEY_FILE ${file} cannot be read`);
  }
}

/** A name for the identity that is safe to log and to use as a rate-limit key (never the token itself). */
export function identityName(credentials: GithubCredentials, installationId?: number): string {
  switch (credentials.kind) {
    case 'token':
      return `token:${createHash('sha256').update(credentials.token).digest('hex').slice(0, 12)}`;
    case 'app':
      return `app:${credentials.appId}:installation:${installationId ?? credentials.installationId ?? 'app'}`;
    case 'none':
      return 'anonymous';
  }
}
