import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommandExitError, FileNotFoundError, SandboxError, SandboxNotFoundError, TimeoutError } from 'e2b';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sdkFor } from '../../support/fake-e2b/client.js';
import { envelope, FLAG_END_STREAM } from '../../support/fake-e2b/connect.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

describe('fake E2B envd, driven by the real e2b SDK', () => {
  it('runs commands in bubblewrap over the sandbox directory, with create-time and per-command env', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base', { envs: { FROM_CREATE: 'c' }, timeoutMs: 60_000 });
    const hostSecret = await mkdtemp(path.join(os.tmpdir(), 'host-only-'));
    onTestFinished(() => rm(hostSecret, { recursive: true, force: true }));
    await writeFile(path.join(hostSecret, 'secret.txt'), 'host data');

    const r = await sbx.commands.run(`echo $FROM_CREATE $X $E2B_SANDBOX $E2B_SANDBOX_ID; pwd; id -u; cat ${hostSecret}/secret.txt 2>&1 || true; echo err >&2`, {
      envs: { X: 'cmd' },
    });

    expect(r.stdout).toBe(`c cmd true ${sbx.sandboxId}\n/home/user\n1000\ncat: ${hostSecret}/secret.txt: No such file or directory\n`);
    expect(r.stderr).toBe('err\n');
    expect(fake.commands()[0]).toMatchObject({ cmd: '/bin/bash', args: ['-l', '-c', expect.stringContaining('echo $FROM_CREATE')], envs: { X: 'cmd' }, timeoutMs: 60_000 });
  });

  it('reports exit codes, honours cwd, and answers a bad cwd with invalid_argument', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base');
    await sbx.files.makeDir('/home/user/repo');

    const failed = await sbx.commands.run('echo out; exit 3').catch((err: unknown) => err);
    const inRepo = await sbx.commands.run('pwd', { cwd: '/home/user/repo' });
    const badCwd = await sbx.commands.run('pwd', { cwd: '/home/user/nope' }).catch((err: unknown) => err);

    expect(failed).toBeInstanceOf(CommandExitError);
    expect(failed).toMatchObject({ exitCode: 3, stdout: 'out\n', error: 'exit status 3' });
    expect(inRepo.stdout).toBe('/home/user/repo\n');
    expect(String(badCwd)).toContain('[invalid_argument] error starting process');
  });

  it('kills a command at its Connect-Timeout-Ms deadline and by SendSignal', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base');

    const timedOut = await sbx.commands.run('sleep 5', { timeoutMs: 700 }).catch((err: unknown) => err);
    // The client gives up at the deadline; the fake kills the process at its own copy of it, a moment later under load.
    for (let i = 0; i < 100 && (await sbx.commands.list()).length > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(await sbx.commands.list()).toEqual([]);
    const handle = await sbx.commands.run('sleep 30', { background: true, timeoutMs: 0 });
    const listed = await sbx.commands.list();
    await sbx.commands.kill(handle.pid);
    const killed = await handle.wait().catch((err: unknown) => err);

    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(String(timedOut)).toContain('deadline_exceeded');
    expect(listed.map((p) => p.pid)).toEqual([handle.pid]);
    expect(killed).toBeInstanceOf(CommandExitError);
    expect(killed).toMatchObject({ exitCode: -1, error: 'signal: killed' });
    expect(await sbx.commands.list()).toEqual([]);
  });

  it('frames Process/Start as Connect envelopes: start first, keepalives while idle, end, end-stream', async () => {
    const fake = await startFakeE2b({ keepaliveIntervalMs: 40 });
    const sbx = await sdkFor(fake).Sandbox.create('base');
    const token = (sbx as unknown as { envdAccessToken?: string }).envdAccessToken;

    const res = await fetch(`${fake.sandboxUrl}/process.Process/Start`, {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json', 'connect-protocol-version': '1', 'e2b-sandbox-id': sbx.sandboxId, 'x-access-token': token ?? '' },
      body: envelope(0, { process: { cmd: '/bin/bash', args: ['-c', 'sleep 0.2; echo hi'] }, stdin: false }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const frames: { flags: number; json: Record<string, unknown> }[] = [];
    for (let at = 0; at < body.length; ) {
      const length = body.readUInt32BE(at + 1);
      frames.push({ flags: body[at] as number, json: JSON.parse(body.subarray(at + 5, at + 5 + length).toString()) });
      at += 5 + length;
    }

    expect(res.headers.get('content-type')).toBe('application/connect+json');
    expect(frames[0]?.json).toEqual({ event: { start: { pid: expect.any(Number) } } });
    expect(frames.some((f) => JSON.stringify(f.json) === '{"event":{"keepalive":{}}}')).toBe(true);
    expect(frames).toContainEqual({ flags: 0, json: { event: { data: { stdout: Buffer.from('hi\n').toString('base64') } } } });
    expect(frames.at(-2)?.json).toEqual({ event: { end: { exitCode: 0, exited: true, status: 'exit status 0' } } });
    expect(frames.at(-1)).toEqual({ flags: FLAG_END_STREAM, json: {} });
  });

  it('moves files by multipart, octet-stream, gzip and pre-signed URLs, and lists, stats, renames, removes', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base');
    const binary = Buffer.from([0, 1, 2, 255, 10]);

    await sbx.files.write('/home/user/a.txt', 'hello file');
    await sbx.files.write([{ path: '/home/user/d/b.bin', data: new Blob([binary]) }, { path: 'rel.txt', data: 'relative' }]);
    await sbx.files.write('/home/user/s.txt', new Blob(['streamed']).stream());
    await sbx.files.write('/home/user/g.txt', 'zipped', { gzip: true });
    const upload = await sbx.uploadUrl('/home/user/signed.txt', { useSignatureExpiration: 60 });
    expect((await fetch(upload, { method: 'POST', body: (() => { const f = new FormData(); f.append('file', new Blob(['signed'])); return f; })() })).status).toBe(200);

    expect(fake.uploads().map((u) => [u.paths, u.contentType, u.contentEncoding, u.signed])).toEqual([
      [['/home/user/a.txt'], 'multipart/form-data', undefined, false],
      [['/home/user/d/b.bin', '/home/user/rel.txt'], 'multipart/form-data', undefined, false],
      [['/home/user/s.txt'], 'application/octet-stream', undefined, false],
      [['/home/user/g.txt'], 'application/octet-stream', 'gzip', false],
      [['/home/user/signed.txt'], 'multipart/form-data', undefined, true],
    ]);
    expect(await sbx.files.read('/home/user/a.txt')).toBe('hello file');
    expect(Buffer.from(await sbx.files.read('/home/user/d/b.bin', { format: 'bytes' }))).toEqual(binary);
    expect(await sbx.files.read('/home/user/rel.txt')).toBe('relative');
    expect(await sbx.files.read('/home/user/s.txt')).toBe('streamed');
    expect(await sbx.files.read('/home/user/g.txt')).toBe('zipped');
    expect(await (await fetch(await sbx.downloadUrl('/home/user/signed.txt'))).text()).toBe('signed');
    expect((await sbx.commands.run('cat /home/user/d/b.bin | od -An -tu1')).stdout.trim().split(/\s+/)).toEqual(['0', '1', '2', '255', '10']);
    await expect(sbx.files.read('/home/user/missing.txt')).rejects.toBeInstanceOf(FileNotFoundError);
    expect((await sbx.files.list('/home/user/d')).map((e) => [e.name, e.type, e.size])).toEqual([['b.bin', 'file', 5]]);
    expect(await sbx.files.exists('/home/user/a.txt')).toBe(true);
    expect(await sbx.files.makeDir('/home/user/new')).toBe(true);
    expect(await sbx.files.makeDir('/home/user/new')).toBe(false);
    expect((await sbx.files.rename('/home/user/a.txt', '/home/user/new/a.txt')).path).toBe('/home/user/new/a.txt');
    await sbx.files.remove('/home/user/new');
    expect(await sbx.files.exists('/home/user/new')).toBe(false);
  });

  it('refuses requests without the access token, and never follows a planted symlink out of the sandbox', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base');
    await sbx.commands.run('ln -s /etc/hostname /home/user/escape');

    const noToken = await fetch(`${fake.sandboxUrl}/files?path=%2Fhome%2Fuser%2Fescape`, { headers: { 'e2b-sandbox-id': sbx.sandboxId } });
    const rpcNoToken = await fetch(`${fake.sandboxUrl}/process.Process/List`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'e2b-sandbox-id': sbx.sandboxId },
      body: '{}',
    });

    expect(noToken.status).toBe(401);
    expect(rpcNoToken.status).toBe(401);
    await expect(sbx.files.read('/home/user/escape')).rejects.toThrow(/outside the sandbox/);
  });

  it.each([
    { envdVersion: '0.5.7', contentType: 'application/octet-stream', username: undefined },
    { envdVersion: '0.5.6', contentType: 'multipart/form-data', username: undefined },
    { envdVersion: '0.3.5', contentType: 'multipart/form-data', username: 'user' },
  ])('serves the SDK at envd $envdVersion (uploads as $contentType)', async ({ envdVersion, contentType, username }) => {
    const fake = await startFakeE2b({ envdVersion });
    const sbx = await sdkFor(fake).Sandbox.create('base');

    await sbx.files.write('/home/user/s.txt', new Blob(['via stream']).stream());
    const r = await sbx.commands.run('cat s.txt');

    expect(fake.uploads().map((u) => [u.contentType, u.username])).toEqual([[contentType, username]]);
    expect(r.stdout).toBe('via stream');
    expect(await sbx.files.read('s.txt')).toBe('via stream');
  });

  it('answers 502 for a killed sandbox, which the SDK reads as not running', async () => {
    const fake = await startFakeE2b();
    const sbx = await sdkFor(fake).Sandbox.create('base');
    await sbx.kill();

    await expect(sbx.commands.run('true')).rejects.toBeInstanceOf(SandboxNotFoundError);
    await expect(sbx.files.read('/home/user/x')).rejects.toBeInstanceOf(TimeoutError);
    expect(await sbx.isRunning()).toBe(false);
  });

  it('injects faults: a dropped stream and a sandbox that expires mid-command', async () => {
    const fake = await startFakeE2b();
    const sdk = sdkFor(fake);
    const a = await sdk.Sandbox.create('base');
    const b = await sdk.Sandbox.create('base');
    fake.inject({ on: 'command', match: /drop-me/, action: 'drop', afterMs: 100 });
    fake.inject({ on: 'command', match: /expire-me/, action: 'expire', afterMs: 100 });

    const dropped = await a.commands.run('echo drop-me; sleep 5', { timeoutMs: 10_000 }).catch((err: unknown) => err);
    const expired = await b.commands.run('echo expire-me; sleep 5', { timeoutMs: 10_000 }).catch((err: unknown) => err);

    expect(dropped).toBeInstanceOf(SandboxError);
    expect(String(dropped)).toMatch(/terminated/);
    expect(await a.isRunning()).toBe(true);
    expect(expired).toBeInstanceOf(TimeoutError);
    expect(String(expired)).toMatch(/killed or reached its end of life/);
    expect(fake.stats()).toMatchObject({ alive: 1, expired: 1 });
  });
});
