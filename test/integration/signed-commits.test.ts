/**
 * Commits signed with an SSH key (change.commit.signing-key; src/git/ssh-signing.ts), with real git and ssh-keygen:
 * byte for byte the commit `git commit -S` makes with gpg.format=ssh, a signature git verifies, the same commit when
 * made again (a resumed run pushes the commit it made before the crash), and keys that cannot do that refused.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { signingKeyProblem } from '../../src/git/ssh-signing.js';
import { author, classicCommit, hostGit, remoteWithChange } from '../support/change-fixture.js';
import { captureIo, cli } from '../support/cli.js';
import { branchSha, git } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const ctx = { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' }, timeoutMs: 30_000 };
const message = 'Rename fetchData\n\nFleetmod-Job: demo\n';
const time = Date.UTC(2025, 5, 6, 7, 8, 9);

async function newKey(dir: string, type: 'ed25519' | 'rsa' | 'ecdsa', passphrase = ''): Promise<string> {
  const file = path.join(dir, `key-${type}${passphrase ? '-locked' : ''}`);
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', passphrase, '-C', 'fleetmod-bot', '-f', file]);
  return file;
}

/** `git verify-commit` with the key's public half as the one allowed signer of author's email. */
async function verify(repo: string, sha: string, key: string): Promise<string> {
  const allowed = path.join(path.dirname(key), 'allowed_signers');
  const publicKey = (await run('ssh-keygen', ['-y', '-f', key])).stdout.trim();
  await writeFile(allowed, `${author.email} ${publicKey}\n`);
  const settings = ['gpg.format=ssh', 'gpg.ssh.program=ssh-keygen', `gpg.ssh.allowedSignersFile=${allowed}`].flatMap((setting) => ['-c', setting]);
  const { stderr } = await run('git', [...settings, 'verify-commit', sha], {
    cwd: repo,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  return stderr;
}

describe('a signed commit', () => {
  for (const type of ['ed25519', 'rsa'] as const) {
    it(`is the commit \`git commit -S\` makes with an ${type} key, and git verifies it`, async () => {
      const { root, work, base, diff } = await remoteWithChange();
      const key = await newKey(root, type);

      const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time, signingKey: key });

      expect(sha).toBe(await classicCommit(root, diff, message, author, time, key));
      expect(await verify(work, sha, key)).toContain(`Good "git" signature for ${author.email}`);
      await git(work, 'fsck', '--strict', '--no-dangling');
    });
  }

  it('is the same commit when made again in another checkout (a resumed run pushes what it made before the crash)', async () => {
    const { root, bare, work, base, diff } = await remoteWithChange();
    const key = await newKey(root, 'ed25519');
    const first = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time, signingKey: key });
    const again = path.join(root, 'again');
    await hostGit.clone(bare, again, 'main');

    expect(await hostGit.commitDiff(again, { base, diff, branch: 'fleetmod/change', message, author, time, signingKey: key })).toBe(first);
    // Unsigned, the same change is another commit.
    expect(await hostGit.commitDiff(again, { base, diff, branch: 'fleetmod/change', message, author, time })).not.toBe(first);
  });

  it('is the commit `git commit -S` makes in a SHA-256 repository (gpgsig-sha256)', async () => {
    const { root, work, base, diff } = await remoteWithChange('sha256');
    const key = await newKey(root, 'ed25519');

    const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time, signingKey: key });

    expect(sha).toHaveLength(64);
    expect(sha).toBe(await classicCommit(root, diff, message, author, time, key));
    expect(await git(work, 'cat-file', 'commit', sha)).toMatch(/^gpgsig-sha256 -----BEGIN SSH SIGNATURE-----$/m);
  });

  it('is signed for an identity git rewrites too (the commit git makes, signed by fleetmod)', async () => {
    const { root, work, base, diff } = await remoteWithChange();
    const key = await newKey(root, 'ed25519');
    const who = { name: 'fleetmod bot.', email: 'bot@example.com' };

    const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author: who, time, signingKey: key });

    expect(sha).toBe(await classicCommit(root, diff, message, who, time, key));
    expect(await verify(work, sha, key)).toContain('Good "git" signature');
  });

  it("ignores the checkout's own signing settings: its gpg.ssh.program never runs on the host", async () => {
    const { root, work, base, diff } = await remoteWithChange();
    const key = await newKey(root, 'ed25519');
    const marker = path.join(root, 'ran');
    await writeFile(path.join(root, 'evil.sh'), `#!/bin/sh\ntouch ${marker}\nexit 1\n`, { mode: 0o755 });
    await git(work, 'config', 'gpg.ssh.program', path.join(root, 'evil.sh'));
    await git(work, 'config', 'gpg.format', 'openpgp');
    await git(work, 'config', 'gpg.program', path.join(root, 'evil.sh'));

    const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author: { ...author, name: 'bot.' }, time, signingKey: key });

    expect(await verify(work, sha, key)).toContain('Good "git" signature');
    await expect(run('test', ['-e', marker])).rejects.toThrow();
  });
});

describe('a signing key', () => {
  it('that is an Ed25519 or RSA private key, or the public half of one held by ssh-agent, can sign', async () => {
    const dir = await tempDir('fleetmod-keys-');
    expect(await signingKeyProblem(ctx, await newKey(dir, 'ed25519'))).toBeNull();
    expect(await signingKeyProblem(ctx, await newKey(dir, 'rsa'))).toBeNull();

    const locked = await newKey(dir, 'ed25519', 'secret passphrase');
    const socket = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    onTestFinished(() => void agent.kill());
    await waitFor(async () => run('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: socket } }).then(() => true, (err: { code?: number }) => err.code === 1));
    // ssh-add asks for the passphrase through SSH_ASKPASS: a script that prints it.
    await writeFile(path.join(dir, 'askpass'), "#!/bin/sh\necho 'secret passphrase'\n", { mode: 0o755 });
    await run('ssh-add', [locked], { env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS_REQUIRE: 'force', SSH_ASKPASS: path.join(dir, 'askpass'), DISPLAY: ':0' } });

    expect(await signingKeyProblem({ ...ctx, env: { ...ctx.env, SSH_AUTH_SOCK: socket } }, `${locked}.pub`)).toBeNull();
    // Without the agent, the passphrase would have to be asked for: refused, with what to do instead.
    expect(await signingKeyProblem(ctx, locked)).toMatch(/without a passphrase; keep such a key in ssh-agent and name its \.pub file/);
    expect(await signingKeyProblem(ctx, `${locked}.pub`)).toMatch(/^cannot sign with .*key-ed25519-locked\.pub/);
  });

  it('that signs differently each time (ECDSA), or is not there, is refused with the reason', async () => {
    const dir = await tempDir('fleetmod-keys-');
    expect(await signingKeyProblem(ctx, await newKey(dir, 'ecdsa'))).toMatch(/is a ecdsa-sha2-nistp256 key; use an Ed25519 or RSA key/);
    expect(await signingKeyProblem(ctx, path.join(dir, 'absent'))).toMatch(/cannot read the signing key .*absent: no such file/);
  });

  it('cannot be used on a machine without ssh-keygen, and the problem says what to install', async () => {
    const key = await newKey(await tempDir('fleetmod-keys-'), 'ed25519');
    const noSsh = { ...ctx, env: { ...ctx.env, PATH: '/nonexistent' } };

    expect(await signingKeyProblem(noSsh, key)).toMatch(/^ssh-keygen is not installed on this machine \(Debian and Ubuntu: apt-get install openssh-client\)/);
  });
});

describe('a job with change.commit.signing-key', () => {
  it('pushes commits git verifies with the key (a path from the manifest\'s folder); validate warns of a missing key, and a key that cannot sign stops the run before it starts', async () => {
    const fx = await jobFixture({ count: 3, commit: ['author: fleetmod bot <bot@example.com>', 'signing-key: ../keys/bot'] });
    const validated = captureIo(fx.root);
    expect(await cli(validated, 'validate', fx.job)).toBe(0);
    expect(validated.err()).toMatch(/:\d+:\d+: warning: change\.commit\.signing-key: signing key .*keys\/bot does not exist; a run stops before it starts/);
    await run('mkdir', ['-p', path.join(fx.root, 'keys')]);
    // The key the manifest names; an ECDSA key put there first is refused before anything runs.
    const key = path.join(fx.root, 'keys', 'bot');
    await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', key]);
    const refused = captureIo(fx.root);

    expect(await cli(refused, 'run', fx.job)).toBe(2);
    expect(refused.err()).toMatch(/change\.commit\.signing-key: the signing key .*keys\/bot is a ecdsa-sha2-nistp256 key/);
    expect(refused.out()).toBe('');
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/fixture')).toBeNull();

    await run('rm', ['-f', key, `${key}.pub`]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const io = captureIo(fx.root);
    expect(await cli(io, 'run', fx.job), io.err()).toBe(0);

    for (const repo of fx.repos) {
      const head = await branchSha(repo.path, 'fleetmod/fixture');
      expect(head, repo.name).not.toBeNull();
      expect(await verify(repo.path, head as string, key)).toContain(`Good "git" signature for ${author.email}`);
    }
  });
});

describe('validate and a signing key that is a folder', () => {
  it('warns that the run would stop, and the run stops with exit 2 before anything is journaled', async () => {
    const fx = await jobFixture({ count: 1, commit: ['signing-key: ../keys'] });
    await run('mkdir', ['-p', path.join(fx.root, 'keys')]);
    const validated = captureIo(fx.root);

    expect(await cli(validated, 'validate', fx.job)).toBe(0);
    expect(validated.err()).toMatch(/warning: change\.commit\.signing-key: signing key .*\/keys is not a file; a run stops before it starts until it is/);
    const refused = captureIo(fx.root);
    expect(await cli(refused, 'run', fx.job)).toBe(2);
    expect(refused.err()).toMatch(/change\.commit\.signing-key: cannot read the signing key .*\/keys: /);
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBeNull();
    const runs = captureIo(fx.root);
    await cli(runs, 'runs', '--json');
    expect(runs.out()).toBe('');
  });
});

describe('turning signing on for branches an unsigned run pushed', () => {
  it('replaces their unsigned commits with signed ones, whether the new run reuses the earlier result or runs the steps again; signed branches stay', async () => {
    const fx = await jobFixture({ count: 2, commit: ['author: fleetmod bot <bot@example.com>'] });
    const unsigned = captureIo(fx.root);
    expect(await cli(unsigned, 'run', fx.job), unsigned.err()).toBe(0);
    const before = await Promise.all(fx.repos.map((repo) => branchSha(repo.path, 'fleetmod/fixture')));
    const key = path.join(fx.root, 'jobs', 'bot');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('    author: fleetmod bot', '    signing-key: bot\n    author: fleetmod bot'));

    // A new run (the manifest changed) reuses the first run's result for service-01; --no-reuse runs the steps again.
    const reusing = captureIo(fx.root);
    expect(await cli(reusing, 'run', fx.job), reusing.err()).toBe(0);
    expect(reusing.out()).toMatch(/Reused: 2 repos reused the result/);
    const signed = await Promise.all(fx.repos.map((repo) => branchSha(repo.path, 'fleetmod/fixture')));
    for (const [i, repo] of fx.repos.entries()) {
      expect(signed[i], repo.name).not.toBe(before[i]);
      expect(await verify(repo.path, signed[i] as string, key)).toContain('Good "git" signature');
      // The same change: only the signature is new.
      expect(await git(repo.path, 'diff', before[i] as string, signed[i] as string)).toBe('');
    }
    await git(fx.repos[1]!.path, 'update-ref', 'refs/heads/fleetmod/fixture', before[1] as string);

    const again = captureIo(fx.root);
    expect(await cli(again, 'run', '--new', '--no-reuse', fx.job), again.err()).toBe(0);
    // service-01 was signed already and keeps its commit; service-02, put back to its unsigned commit, is signed again.
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBe(signed[0]);
    const resigned = (await branchSha(fx.repos[1]!.path, 'fleetmod/fixture')) as string;
    expect(resigned).not.toBe(before[1]);
    expect(await verify(fx.repos[1]!.path, resigned, key)).toContain('Good "git" signature');
  });
});

async function waitFor(ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('ssh-agent did not start');
}
