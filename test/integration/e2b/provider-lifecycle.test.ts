import { existsSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SandboxLost, SandboxUnavailable } from '../../../src/domain/errors.js';
import { CheckoutNotPacked, E2bFailed, SandboxLostAgain } from '../../../src/sandbox/e2b/errors.js';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { CONCURRENCY_LIMIT_MESSAGE, startFakeE2b } from '../../support/fake-e2b/index.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { e2bProvider, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';

const SECRET = 'tok3n-very-secret-value';

describe('E2B provider: sandbox lifecycle', () => {
  it('creates with job/run/repo metadata, the network policy and a lifetime beyond the budget; no secret leaves per-command env', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();

    for (const network of [false, true, ['registry.npmjs.org', 'github.com']] as const) {
      const sandbox = await provider.create(sandboxRequest(workspace, { network: network === true || network === false ? network : [...network], env: { API_TOKEN: SECRET } }));
      expect((await sandbox.exec('test "$API_TOKEN" = "$EXPECTED"', { env: { EXPECTED: SECRET } })).exitCode).toBe(0);
      await sandbox.destroy();
    }

    const requests = fake.creates().map((c) => c.request);
    expect(requests[0]).toMatchObject({
      templateID: 'base',
      timeout: 60 + 2 * 120 + 60,
      metadata: { job: 'test-job', run: 'run-1', repo: 'org/service-01', 'created-by': 'fleetmod' },
      allow_internet_access: false,
    });
    expect(requests[1]?.allow_internet_access).toBe(true);
    expect(requests[2]?.network).toEqual({ allowOut: ['registry.npmjs.org', 'github.com'], denyOut: ['0.0.0.0/0'] });
    expect(JSON.stringify(requests)).not.toContain(SECRET);
    const withSecret = fake.commands().filter((c) => JSON.stringify(c).includes(SECRET));
    expect(withSecret.length).toBe(3);
    for (const c of withSecret) expect(c.envs).toMatchObject({ API_TOKEN: SECRET, EXPECTED: SECRET });
    expect(fake.uploads().every((u) => !JSON.stringify(u).includes(SECRET))).toBe(true);
    expect(fake.stats().alive).toBe(0);
  });

  it('uploads the checkout without the credentials in its git config', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    await appendFile(
      path.join(workspace, '.git', 'config'),
      `[remote "mirror"]\n\turl = https://bot:${SECRET}@git.example.com/org/repo.git\n[http "https://git.example.com/"]\n\textraHeader = Authorization: Bearer ${SECRET}\n[branch "main"]\n\tremote = origin\n`,
    );
    const sandbox = await e2bProvider(fake).create(sandboxRequest(workspace));

    const config = await sandbox.exec('cat .git/config');
    const found = await sandbox.exec(`grep -rl ${SECRET} /home/user /tmp || echo none`);
    const status = await sandbox.exec('git status --porcelain && git log --oneline | wc -l');
    await sandbox.destroy();

    expect(config.stdout).not.toContain(SECRET);
    expect(config.stdout).not.toContain('url =');
    expect(config.stdout).toContain('[branch "main"]');
    expect(found.stdout).toBe('none\n');
    expect(status).toMatchObject({ exitCode: 0, stdout: '2\n' });
  });

  it('retries a create refused with 429, 503 or 502, and gives up as a transient failure', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();
    fake.inject({ on: 'create', times: 1, action: { respond: 429, body: { code: 429, message: CONCURRENCY_LIMIT_MESSAGE(20) } } });
    fake.inject({ on: 'create', times: 1, action: { respond: 503, body: { code: 503, message: 'no capacity' } } });
    fake.inject({ on: 'create', times: 1, action: { respond: 502, body: { code: 502, message: 'bad gateway' } } });

    const sandbox = await provider.create(sandboxRequest(workspace));
    await sandbox.destroy();
    fake.inject({ on: 'create', times: 4, action: { respond: 429, body: { code: 429, message: CONCURRENCY_LIMIT_MESSAGE(20) } } });
    const exhausted = await provider.create(sandboxRequest(workspace)).catch((err: unknown) => err);

    expect(fake.creates().map((c) => c.rejected ?? 'ok')).toEqual(['fault', 'fault', 'fault', 'ok', 'fault', 'fault', 'fault', 'fault']);
    expect(exhausted).toBeInstanceOf(SandboxLost);
    expect(String(exhausted)).toContain('failed 4 times: RateLimitError: Rate limit exceeded, please try again later - you have reached the maximum number of concurrent E2B sandboxes (20)');
  });

  it('waits for a creation slot before every create attempt, a retried one too', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    fake.inject({ on: 'create', times: 2, action: { respond: 429, body: { code: 429, message: CONCURRENCY_LIMIT_MESSAGE(20) } } });
    let slots = 0;
    const creationSlot = async () => {
      slots += 1;
      // A create may only be sent after its slot: the fake must not have seen it yet.
      expect(fake.creates()).toHaveLength(slots - 1);
    };

    const notices: string[] = [];
    const sandbox = await e2bProvider(fake, { notice: (n) => notices.push(n) }).create(sandboxRequest(workspace, { creationSlot }));
    await sandbox.destroy();

    expect(slots).toBe(3);
    expect(fake.creates().map((c) => c.rejected ?? 'ok')).toEqual(['fault', 'fault', 'ok']);
    // The first 429 is retried at the next slot (the slot spaces it); the second backs off as well.
    expect(notices).toEqual([
      expect.stringMatching(/attempt 1\).*trying again at the next creation slot$/),
      expect.stringMatching(/attempt 2\).*trying again in \d+s$/),
    ]);
  });

  it('fails at once, and permanently, when create is refused for a reason retrying cannot fix', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    fake.inject({ on: 'create', action: { respond: 400, body: { code: 400, message: 'template "nope" not found' } } });

    const badTemplate = await e2bProvider(fake).create(sandboxRequest(workspace, { template: 'nope' })).catch((err: unknown) => err);
    const badKey = await e2bProvider(fake, { connection: { apiKey: 'e2b_wrong', apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl } })
      .create(sandboxRequest(workspace))
      .catch((err: unknown) => err);

    expect(badTemplate).toBeInstanceOf(E2bFailed);
    expect(String(badTemplate)).toContain('template "nope" not found');
    expect(badKey).toBeInstanceOf(SandboxUnavailable);
    expect(fake.creates()).toHaveLength(2);
  });

  it('a sandbox lost mid-task throws SandboxLost once per repo, then SandboxLostAgain; lost sandboxes are still killed', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();
    fake.inject({ on: 'command', match: /step-one/, action: 'expire', afterMs: 50 });
    fake.inject({ on: 'command', match: /step-two/, action: 'drop', afterMs: 50 });
    fake.inject({ on: 'command', match: /step-three/, action: 'expire', afterMs: 50 });

    const lose = async (repo: string, step: string) => {
      const sandbox = await provider.create(sandboxRequest(workspace, { labels: { job: 'j', run: 'run-1', repo } }));
      try {
        return await sandbox.exec(`echo ${step}; sleep 5`).catch((err: unknown) => err);
      } finally {
        await sandbox.destroy();
      }
    };
    const first = await lose('org/a', 'step-one');
    const second = await lose('org/a', 'step-two');
    const other = await lose('org/b', 'step-three');

    expect(first).toBeInstanceOf(SandboxLost);
    expect(String(first)).toMatch(/failed while running a command: TimeoutError: .*killed or reached its end of life/);
    expect(second).toBeInstanceOf(SandboxLostAgain);
    expect(String(second)).toMatch(/lost again on the retry: .*SandboxError: .*terminated.*\(the first time: .*TimeoutError/);
    expect(other).toBeInstanceOf(SandboxLost);
    expect(fake.stats()).toMatchObject({ alive: 0, expired: 2, killed: 1 });
  });

  it('hands a sandbox it destroyed because the checkout failed to unpack to onDiscarded, with its billed time', async () => {
    const fake = await startFakeE2b();
    // Every reading of the clock is 3 s after the previous one.
    let clock = 0;
    const provider = e2bProvider(fake, { now: () => (clock += 3_000) });
    const workspace = await sampleCheckout();
    fake.inject({ on: 'command', match: /tar --extract/, action: 'expire' });
    const discarded: Sandbox[] = [];

    const err = await provider.create(sandboxRequest(workspace, { onDiscarded: (s) => discarded.push(s) })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SandboxLost);
    // Billed from its creation to its end: at least one 3-second step of the clock, however often it is read.
    expect(discarded.map((s) => s.id)).toEqual([fake.creates()[0]?.sandboxId]);
    expect(discarded[0]?.billedSeconds()).toBeGreaterThanOrEqual(3);
    // Destroyed, so billed no further however the clock moves on.
    expect(discarded[0]?.billedSeconds()).toBe(discarded[0]?.billedSeconds());
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0 });
  });

  it("says a checkout the host could not pack is the host's failure, not E2B's, and makes no sandbox for it", async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    // tar cannot read the checkout: it is gone by the time it is packed (before any sandbox is created).
    await rm(workspace, { recursive: true });
    const discarded: Sandbox[] = [];

    const err = await e2bProvider(fake).create(sandboxRequest(workspace, { onDiscarded: (s) => discarded.push(s) })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CheckoutNotPacked);
    expect(err).toMatchObject({ errorClass: 'permanent', message: expect.stringMatching(/^packing the checkout on this machine failed \(tar exit 2\): .*No such file/) });
    expect((err as Error).message).not.toMatch(/E2B|upload/);
    expect(fake.uploads()).toEqual([]);
    expect(discarded).toEqual([]);
    expect(fake.creates()).toEqual([]);
  });

  it('shutdown kills every sandbox it still holds', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();
    const sandboxes = await Promise.all([1, 2, 3].map((i) => provider.create(sandboxRequest(workspace, { labels: { job: 'j', run: 'run-1', repo: `org/${i}` } }))));

    expect(fake.stats().alive).toBe(3);
    await provider.shutdown();

    expect(fake.stats()).toMatchObject({ alive: 0, killed: 3 });
    await Promise.all(sandboxes.map((s) => s.destroy()));
    expect(sandboxes.every((s) => s.billedSeconds() >= 1)).toBe(true);
  });

  it('on the first sandbox of a run, kills what an earlier process of that run left running', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    const tag = (run: string) => ({ metadata: { job: 'j', run, repo: 'org/x', 'created-by': 'fleetmod' } });
    await sdk.Sandbox.create('base', tag('run-1'));
    await sdk.Sandbox.create('base', tag('run-1'));
    const otherRun = await sdk.Sandbox.create('base', tag('run-2'));
    const notFleetmod = await sdk.Sandbox.create('base', { metadata: { run: 'run-1' } });
    const notices: string[] = [];
    const provider = e2bProvider(fake, { notice: (m) => notices.push(m) });
    const workspace = await sampleCheckout();

    const [first, second] = await Promise.all([provider.create(sandboxRequest(workspace)), provider.create(sandboxRequest(workspace))]);
    await provider.create(sandboxRequest(workspace, { labels: { job: 'j', run: 'run-3', repo: 'org/x' } }));
    const alive = fake.alive().map((s) => s.id);
    await provider.shutdown();

    expect(alive).toEqual(expect.arrayContaining([otherRun.sandboxId, notFleetmod.sandboxId, first?.id, second?.id]));
    expect(alive).toHaveLength(5);
    expect(notices).toEqual(['killed 2 E2B sandbox(es) of run run-1 left running by an interrupted earlier process']);
    expect(fake.stats().killed).toBe(2 + 3);
  });

  it('removes the pack folders a killed fleetmod left in the temporary folder before it packs its first checkout', async () => {
    const fake = await startFakeE2b();
    // A pid far above any this machine hands out: its process is gone.
    const left = path.join(os.tmpdir(), 'fleetmod-e2b-pack-4194000-Abc123');
    await mkdir(left, { recursive: true });
    const provider = e2bProvider(fake);
    const workspace = await sampleCheckout();

    const sandbox = await provider.create(sandboxRequest(workspace));
    await sandbox.destroy();
    await provider.shutdown();

    expect(existsSync(left)).toBe(false);
  });

  it('checks the key before a run', async () => {
    const fake = await startFakeE2b();

    const good = await e2bProvider(fake).check();
    const missing = await e2bProvider(fake, { connection: { apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl } }).check();
    const wrong = await e2bProvider(fake, { connection: { apiKey: 'e2b_wrong', apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl } }).check();

    expect(good).toEqual({ ok: true, lines: [`E2B API at ${fake.apiUrl}: the key works; 0 fleetmod sandbox(es) running now`] });
    expect(missing).toMatchObject({ ok: false, lines: ['E2B_API_KEY is not set'] });
    expect(wrong).toMatchObject({ ok: false, lines: [`E2B API at ${fake.apiUrl} rejected E2B_API_KEY`] });
  });
});
