/** Where GitHub is and who fleetmod is there: manifest vs environment, GHES layout, App vs token, and the early refusals. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubCredentials, identityName } from '../../../../src/codehost/github/credentials.js';
import { githubEndpoint } from '../../../../src/codehost/github/endpoint.js';
import { captureIo, cli, testEnv } from '../../../support/cli.js';
import { tempDir } from '../../../support/temp.js';

const none = { github: { fork: 'auto' as const } };

describe('GitHub endpoint', () => {
  it('defaults to github.com, follows GITHUB_API_URL / GITHUB_SERVER_URL, and derives /api/v3 for a server', () => {
    expect(githubEndpoint(none, {})).toEqual({ apiUrl: 'https://api.github.com', serverUrl: 'https://github.com', host: 'api.github.com' });
    expect(githubEndpoint(none, { GITHUB_SERVER_URL: 'https://ghe.corp/', GITHUB_API_URL: 'https://ghe.corp/api/v3/' })).toEqual({
      apiUrl: 'https://ghe.corp/api/v3',
      serverUrl: 'https://ghe.corp',
      host: 'ghe.corp',
    });
    expect(githubEndpoint(none, { GITHUB_SERVER_URL: 'https://ghe.corp' }).apiUrl).toBe('https://ghe.corp/api/v3');
  });

  it('refuses GITHUB_SERVER_URL or GITHUB_API_URL with credentials in them, without repeating them', () => {
    const withToken = { GITHUB_SERVER_URL: 'https://bot:ghp_notarealtoken0001@ghe.corp' };
    expect(() => githubEndpoint(none, withToken)).toThrow('GITHUB_SERVER_URL: "https://***@ghe.corp" carries credentials');
    expect(() => githubEndpoint(none, { GITHUB_API_URL: 'https://x-access-token:ghp_notarealtoken0002@ghe.corp/api/v3' })).toThrow(
      'GITHUB_API_URL: "https://***@ghe.corp/api/v3" carries credentials',
    );
    let message = '';
    try {
      githubEndpoint(none, withToken);
    } catch (err) {
      message = String(err);
    }
    expect(message).not.toContain('ghp_');
  });

  it('lets the manifest win as a pair, so a CI runner\'s github.com API URL does not leak into a GHES job', () => {
    const job = { github: { fork: 'auto' as const, serverUrl: 'https://ghe.corp' } };
    expect(githubEndpoint(job, { GITHUB_API_URL: 'https://api.github.com', GITHUB_SERVER_URL: 'https://github.com' })).toEqual({
      apiUrl: 'https://ghe.corp/api/v3',
      serverUrl: 'https://ghe.corp',
      host: 'ghe.corp',
    });
    expect(githubEndpoint({ github: { fork: 'auto', apiUrl: 'http://127.0.0.1:9/api/v3', serverUrl: 'http://127.0.0.1:9' } }, {}).host).toBe('127.0.0.1:9');
  });
});

describe('GitHub credentials', () => {
  it('prefers a GitHub App over GITHUB_TOKEN over GH_TOKEN, and never names the token in the identity', async () => {
    const keyFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'fleetmod-key-')), 'app.pem');
    await writeFile(keyFile, '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');

    const app = githubCredentials({ GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY_FILE: keyFile, GITHUB_APP_INSTALLATION_ID: '34', GITHUB_TOKEN: 'ghp_x' });
    const token = githubCredentials({ GITHUB_TOKEN: 'ghp_first', GH_TOKEN: 'ghp_second' });
    const gh = githubCredentials({ GH_TOKEN: 'ghp_second' });

    expect(app).toMatchObject({ kind: 'app', appId: '12', installationId: 34, privateKey: expect.stringContaining('BEGIN PRIVATE KEY') });
    expect(token).toEqual({ kind: 'token', token: 'ghp_first', source: 'GITHUB_TOKEN' });
    expect(gh).toEqual({ kind: 'token', token: 'ghp_second', source: 'GH_TOKEN' });
    expect(githubCredentials({})).toEqual({ kind: 'none' });
    expect(identityName(token)).toMatch(/^token:[0-9a-f]{12}$/);
    expect(identityName(token)).not.toContain('ghp_first');
    expect(identityName(app)).toBe('app:12:installation:34');
    expect(() => githubCredentials({ GITHUB_APP_ID: '12' })).toThrow('neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_FILE');
    expect(() => githubCredentials({ GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY: 'k', GITHUB_APP_INSTALLATION_ID: 'abc' })).toThrow('must be a number');
  });

  it('refuses to run GitHub repositories without credentials, or with a malformed pacing override, before anything runs', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      'name: j\nrepos: [acme/a, acme/b]\nsandbox: { provider: host }\nsteps: [{ run: "true" }]\nchange: { branch: fleetmod/j, commit: { message: m } }\n',
    );

    const missing = captureIo(dir, testEnv());
    const badPacing = captureIo(dir, testEnv({ GITHUB_TOKEN: 'ghp_abcdef', FLEETMOD_GITHUB_PACING: '{"gap":1}' }));

    expect(await cli(missing, 'run', 'job.yaml')).toBe(2);
    expect(missing.err()).toContain('2 repositories are on GitHub but no credentials are set: export GITHUB_TOKEN (or GH_TOKEN)');
    expect(await cli(badPacing, 'run', 'job.yaml')).toBe(2);
    expect(badPacing.err()).toContain('FLEETMOD_GITHUB_PACING: unknown setting "gap"');
  });
});
