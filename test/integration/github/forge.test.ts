/**
 * The forge itself behaves like GitHub where fleetmod's tests rely on it: git over HTTP with token checks
 * (push, private repositories, archived ones), and the REST fake refusing requests that GitHub's OpenAPI
 * description does not allow — so "no violations" in the other tests means something.
 */
import { describe, expect, it } from 'vitest';
import { createHostGit } from '../../../src/git/host-git.js';
import { basicAuthHeader } from '../../../src/codehost/github/github-host.js';
import { startForge } from '../../support/forge/forge.js';
import { git } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_forgeSelfTestToken0000000000000000003';

describe('the forge', () => {
  it('serves git: anonymous clones of public repos, tokens for pushes and private repos, no pushes to archived ones', async () => {
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    await forge.createRepo({ owner: 'acme', name: 'open' });
    await forge.createRepo({ owner: 'acme', name: 'secret', private: true, pushers: ['fleetmod-bot'] });
    await forge.createRepo({ owner: 'acme', name: 'old', archived: true });
    const hostGit = createHostGit({ env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    const auth = basicAuthHeader(TOKEN);
    const dir = await tempDir('fleetmod-forge-self-');

    await hostGit.clone(`${forge.url}/acme/open.git`, `${dir}/open`, 'main');
    await expect(hostGit.clone(`${forge.url}/acme/secret.git`, `${dir}/secret-anon`, 'main')).rejects.toThrow();
    await hostGit.clone(`${forge.url}/acme/secret.git`, `${dir}/secret`, 'main', { auth });
    // push sends a commit to the branch it names.
    await git(`${dir}/open`, 'checkout', '--quiet', '-b', 'topic');
    await git(`${dir}/open`, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--quiet', '--allow-empty', '-m', 'x');
    const topic = (await git(`${dir}/open`, 'rev-parse', 'HEAD')).trim();
    await expect(hostGit.push(`${dir}/open`, `${forge.url}/acme/open.git`, 'topic', topic, { expectedRemoteSha: null })).rejects.toThrow();
    await expect(hostGit.push(`${dir}/open`, `${forge.url}/acme/open.git`, 'topic', topic, { auth: basicAuthHeader('ghp_wrong0000'), expectedRemoteSha: null })).rejects.toThrow();
    await hostGit.push(`${dir}/open`, `${forge.url}/acme/open.git`, 'topic', topic, { auth, expectedRemoteSha: null });
    await expect(hostGit.push(`${dir}/open`, `${forge.url}/acme/old.git`, 'topic', topic, { auth, expectedRemoteSha: null })).rejects.toThrow(/archived so it is read-only/);
    // A stale lease is refused for real.
    await git(`${dir}/open`, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--quiet', '--allow-empty', '-m', 'y');
    const moved = (await git(`${dir}/open`, 'rev-parse', 'HEAD')).trim();
    await expect(hostGit.push(`${dir}/open`, `${forge.url}/acme/open.git`, 'topic', moved, { auth, expectedRemoteSha: '1'.repeat(40) })).rejects.toThrow();

    expect(forge.pushes.map((p) => `${p.repo} ${p.ref} ${p.before === null ? 'new' : 'update'} by ${p.login}`)).toEqual(['open refs/heads/topic new by fleetmod-bot']);
    expect(await hostGit.remoteBranchSha(`${forge.url}/acme/secret.git`, 'main', auth)).toMatch(/^[0-9a-f]{40}$/);
    // A command that goes through simple-git carries the pinned settings and the auth header the same way.
    await expect(hostGit.fetchBranch(`${dir}/secret`, `${forge.url}/acme/secret.git`, 'main')).rejects.toThrow();
    expect(await hostGit.fetchBranch(`${dir}/secret`, `${forge.url}/acme/secret.git`, 'main', auth)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses and records requests that break GitHub\'s OpenAPI description, and unknown routes', async () => {
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${forge.apiUrl}${path}`, {
        method,
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });

    const badBody = await call('POST', '/repos/acme/svc/pulls', { head: 'x', draft: 'yes' });
    const badQuery = await call('GET', '/repos/acme/svc/pulls?state=merged&colour=blue');
    const unknown = await call('DELETE', '/repos/acme/svc');
    const good = await call('GET', '/repos/acme/svc/pulls?state=open&per_page=100');

    expect([badBody.status, badQuery.status, unknown.status, good.status]).toEqual([422, 422, 404, 200]);
    expect(good.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(good.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(forge.monitor.violations).toEqual([
      expect.stringMatching(/^POST \/repos\/acme\/svc\/pulls: .*must have required property 'base'.*body\/draft must be boolean/),
      expect.stringMatching(/^GET \/repos\/acme\/svc\/pulls: .*must NOT have additional properties \(query:colour\).*query:state must be equal to one of the allowed values/),
      'DELETE /repos/acme/svc: no such route in the forge',
    ]);
  });
});
