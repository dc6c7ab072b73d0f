/**
 * Commits signed with an SSH key (`change.commit.signing-key`), as `git commit -S` signs them with
 * `gpg.format=ssh`: `ssh-keygen -Y sign` signs the commit's content in the "git" namespace, and the armored
 * signature goes into the commit's `gpgsig` header (commit-object.ts). GitHub shows such a commit as Verified when
 * the key is a signing key of the account that pushes, and a branch that requires signed commits accepts it.
 *
 * Only Ed25519 and RSA keys: their signatures are deterministic, so a commit re-made from the journal after a crash
 * is byte for byte the one made before (the same SHA), which resuming and reusing results rely on. ECDSA signatures
 * are random, and a security-key (`-sk`) type needs a touch for every commit of an overnight run; both are refused
 * before the run starts, as is a key ssh-keygen cannot use without asking for a passphrase (such a key is used
 * through ssh-agent: name its `.pub` file). The key stays on the host: ssh-keygen runs there, like the push, in a
 * session of its own with no terminal to ask on, and nothing of the key enters a sandbox.
 */
import { readFile } from 'node:fs/promises';
import { GitFailed } from '../domain/errors.js';
import { runGitProcess } from './git-process.js';

export const SIGNATURE_NAMESPACE = 'git';

/** Key types whose signatures are the same every time the same content is signed. */
const DETERMINISTIC_KEY_TYPES = ['ssh-ed25519', 'ssh-rsa'];

/** ssh-keygen never asks for a passphrase: there is nobody to answer in the middle of a night. */
function keygenEnv(ctx: SigningContext): Record<string, string> {
  return { ...ctx.env, SSH_ASKPASS: '', SSH_ASKPASS_REQUIRE: 'never' };
}

export interface SigningContext {
  /** Host git's environment (safe-config.ts): HOME, and SSH_AUTH_SOCK for a key held by ssh-agent. */
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The armored SSH signature of `payload` (ending in a newline), made with the key at `keyPath`. */
export async function sshSign(ctx: SigningContext, keyPath: string, payload: string): Promise<string> {
  const out = await runGitProcess('commit signing', 'ssh-keygen', ['-q', '-Y', 'sign', '-n', SIGNATURE_NAMESPACE, '-f', keyPath], {
    env: keygenEnv(ctx),
    input: payload,
    timeoutMs: ctx.timeoutMs,
    ...(ctx.signal && { signal: ctx.signal }),
  }).catch((err: unknown) => {
    // Not the network's fault: the same key fails the same way on every try.
    throw err instanceof GitFailed ? new GitFailed(err.message, 'permanent') : err;
  });
  const armored = out.toString('utf8');
  if (!armored.startsWith('-----BEGIN SSH SIGNATURE-----')) throw new GitFailed(`ssh-keygen printed no SSH signature: ${armored.slice(0, 200)}`, 'permanent');
  return armored.endsWith('\n') ? armored : `${armored}\n`;
}

/**
 * Why commits cannot be signed with the key at `keyPath`, or null when they can: checked once before a run starts,
 * so a missing file, a refused key type or a key that needs a passphrase stops the run before any repository.
 */
export async function signingKeyProblem(ctx: SigningContext, keyPath: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(keyPath, 'utf8');
  } catch (err) {
    return `cannot read the signing key ${keyPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`;
  }
  const publicKey = await publicKeyLine(ctx, keyPath, text);
  if ('problem' in publicKey) return publicKey.problem;
  const type = publicKey.line.split(' ')[0] as string;
  if (!DETERMINISTIC_KEY_TYPES.includes(type)) {
    return `the signing key ${keyPath} is a ${type} key; use an Ed25519 or RSA key, whose signatures are the same each time, so a commit made again after a crash is the same commit`;
  }
  try {
    await sshSign(ctx, keyPath, 'fleetmod signing check\n');
  } catch (err) {
    return `cannot sign with ${keyPath}: ${(err as Error).message}`;
  }
  return null;
}

/** The public key line of a public key file, or of a private key ssh-keygen can open without a passphrase. */
async function publicKeyLine(ctx: SigningContext, keyPath: string, text: string): Promise<{ line: string } | { problem: string }> {
  if (!text.includes('PRIVATE KEY')) return { line: text.trim().split('\n')[0] ?? '' };
  try {
    const out = await runGitProcess('signing key check', 'ssh-keygen', ['-y', '-f', keyPath], {
      env: keygenEnv(ctx),
      timeoutMs: ctx.timeoutMs,
    });
    return { line: out.toString('utf8').trim() };
  } catch (err) {
    if ((err as Error).message.includes('spawn ssh-keygen ENOENT')) {
      return { problem: 'ssh-keygen is not installed on this machine (Debian and Ubuntu: apt-get install openssh-client); fleetmod signs commits with it' };
    }
    return { problem: `ssh-keygen cannot read the signing key ${keyPath} without a passphrase; keep such a key in ssh-agent and name its .pub file` };
  }
}
