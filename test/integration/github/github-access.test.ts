/**
 * How the GitHub CodeHost gets access and copes with refusals, against the local forge: GitHub App installation
 * tokens (found per owner, refreshed before expiry, redacted), `github:` selectors, and rate-limit and server
 * answers going through the real Octokit plugins and fleetmod's pause gate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelectorResolver } from '../../../src/codehost/github/selector-resolver.js';
import { CodeHostFailed } from '../../../src/domain/errors.js';
import { BRANCH, TOKEN, forgeWithBot, pushBranch, ref, request } from '../../support/forge/fixtures.js';
import { forgeHost } from '../../support/forge/host.js';
import { git } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

describe('GitHub App authentication', () => {
  it('finds the installation per owner, pushes with an installation token, refreshes it when it is about to expire, and redacts it', async () => {
    const forge = await forgeWithBot();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    forge.state.app = {
      id: '4242',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: new Map([['acme', 77]]),
      tokenLifetimeMs: 4 * 60_000,
    };
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    const { host, redactor } = forgeHost(forge, { kind: 'app', appId: '4242', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const repo = ref(forge, 'acme', 'svc');

    const info = await host.inspect(repo);
    const first = await host.gitAuth(repo);
    const second = await host.gitAuth(repo);

    expect(info.skipReason).toBeUndefined();
    const tokenIn = (header: string | undefined) => Buffer.from((header ?? '').replace('Authorization: Basic ', ''), 'base64').toString().replace('x-access-token:', '');
    // Tokens that expire within five minutes are replaced before git gets them.
    expect(forge.state.issuedTokens).toContain(tokenIn(first?.header));
    expect(forge.state.issuedTokens).toContain(tokenIn(second?.header));
    expect(tokenIn(first?.header)).not.toBe(tokenIn(second?.header));
    for (const t of forge.state.issuedTokens.filter((t) => t === tokenIn(first?.header) || t === tokenIn(second?.header))) {
      expect(redactor.redact(`push with ${t}`)).toBe('push with ***');
    }
    const dir = await tempDir('fleetmod-app-push-');
    await git(dir, '-c', `http.extraHeader=${second?.header}`, 'clone', '--quiet', repo.url, 'w');
    await git(`${dir}/w`, 'checkout', '--quiet', '-b', BRANCH);
    await git(`${dir}/w`, '-c', 'user.name=bot', '-c', 'user.email=b@x', 'commit', '--quiet', '--allow-empty', '-m', 'c');
    await git(`${dir}/w`, '-c', `http.extraHeader=${second?.header}`, 'push', '--quiet', 'origin', BRANCH);
    const { pr } = await host.ensurePullRequest!(request(forge, 'acme', 'svc', { reviewers: [], teamReviewers: [], assignees: [] }), null);
    expect(forge.pulls('acme/svc')).toMatchObject([{ number: pr.number, author: 'app/fleetmod-installation-77' }]);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('github: selectors', () => {
  it('lists an org (with archived and fork flags), filters topics, and runs searches', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'api', topics: ['node', 'service'] });
    await forge.createRepo({ owner: 'acme', name: 'web', topics: ['node'] });
    await forge.createRepo({ owner: 'acme', name: 'legacy', archived: true, topics: ['service'] });
    await forge.createRepo({ owner: 'other', name: 'tool' });
    const { sessions } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' });
    const resolver = createSelectorResolver(sessions);
    const base = { topics: [], include: [], exclude: [], archived: false, forks: false };

    const org = await resolver.resolve({ ...base, org: 'acme' });
    const topics = await resolver.resolve({ ...base, org: 'acme', topics: ['service'] });
    const search = await resolver.resolve({ ...base, search: 'org:acme topic:node' });

    expect(org.map((r) => [r.name, r.archived, r.fork])).toEqual([['api', false, false], ['legacy', true, false], ['web', false, false]]);
    expect(topics.map((r) => r.name)).toEqual(['api', 'legacy']);
    expect(search.map((r) => `${r.owner}/${r.name}`)).toEqual(['acme/api', 'acme/web']);
    expect(forge.monitor.violations).toEqual([]);
  });
});

describe('refusals and server errors', () => {
  it('retries a 502 with backoff, a secondary limit (403 or 429) once after the pause, an exhausted primary window after its reset', async () => {
    const forge = await forgeWithBot();
    for (const name of ['a', 'b', 'c', 'd']) await forge.createRepo({ owner: 'acme', name });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/a$/, answer: { kind: 'status', status: 502 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/b$/, answer: { kind: 'secondary', status: 429 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/c$/, answer: { kind: 'secondary', retryAfter: 1 } });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/d$/, answer: { kind: 'primary', resetInSeconds: 1 } });
    const { host, pauses } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { secondaryFallbackSeconds: 0.5 } });
    const hits = (name: string) => forge.monitor.byArrival().filter((c) => c.path === `/repos/acme/${name}`);

    for (const name of ['a', 'b', 'c', 'd']) expect((await host.inspect(ref(forge, 'acme', name))).skipReason).toBeUndefined();

    expect(hits('a').map((c) => c.status)).toEqual([502, 200]);
    // 429 is the throttling plugin's: one retry after the pause, not plugin-retry's three blind ones on top.
    expect(hits('b').map((c) => c.status)).toEqual([429, 200]);
    expect(hits('b')[1]!.at - hits('b')[0]!.at).toBeGreaterThanOrEqual(500);
    expect(hits('c').map((c) => c.status)).toEqual([403, 200]);
    expect(hits('c')[1]!.at - hits('c')[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(hits('d').map((c) => c.status)).toEqual([403, 200]);
    expect(pauses.map((p) => p.reason)).toEqual([
      'secondary rate limit (HTTP 429, no retry-after)',
      'secondary rate limit (HTTP 403, retry-after 1s)',
      'primary rate limit used up (HTTP 403)',
    ]);
  });

  it('gives up on a request GitHub keeps refusing after three retries, as a transient failure, waiting longer each time', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'a' });
    forge.faults.add({ method: 'GET', path: /^\/repos\/acme\/a$/, times: 10, answer: { kind: 'secondary' } });
    const { host, pauses } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { secondaryFallbackSeconds: 0.2 } });

    const failed = host.inspect(ref(forge, 'acme', 'a'));

    await expect(failed).rejects.toBeInstanceOf(CodeHostFailed);
    await expect(failed).rejects.toMatchObject({ errorClass: 'transient', status: 403 });
    await expect(failed).rejects.toThrow('was refused by a rate limit after retries');
    expect(forge.monitor.calls.filter((c) => c.path === '/repos/acme/a')).toHaveLength(4);
    expect(pauses.map((p) => p.waitMs)).toEqual([200, 400, 800, 1_600]);
  });
  it('keeps doubling the pause while PR creation is refused, though another repository\'s reads go through meanwhile', async () => {
    const forge = await forgeWithBot();
    await forge.createRepo({ owner: 'acme', name: 'svc' });
    await forge.createRepo({ owner: 'acme', name: 'other' });
    await pushBranch(forge, 'acme', 'svc');
    // Content creation blocked: the PR creation is refused three times in a row, without retry-after.
    forge.faults.add({ method: 'POST', path: /\/pulls$/, times: 3, answer: { kind: 'secondary' } });
    const { host, pauses } = forgeHost(forge, { kind: 'token', token: TOKEN, source: 'GITHUB_TOKEN' }, { pacing: { secondaryFallbackSeconds: 0.2 } });
    let reading = true;
    // Another repository's task keeps reading, as in any fleet run.
    const reader = (async () => {
      while (reading) await host.findPullRequests!(ref(forge, 'acme', 'other'), 'acme', BRANCH, 'main');
    })();

    const pr = await host.ensurePullRequest!(request(forge, 'acme', 'svc', { labels: [], reviewers: [], teamReviewers: [], assignees: [] }), null);
    reading = false;
    await reader;

    expect(pr.action).toBe('opened');
    expect(forge.monitor.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/repos/acme/other')).length).toBeGreaterThan(3);
    expect(pauses.map((p) => p.waitMs)).toEqual([200, 400, 800]);
  });
});
