/**
 * The /etc every local sandbox sees: a copy of the host's allow-listed entries (ETC_ALLOW_LIST), made once per
 * provider and bound read-only as a whole. One mount instead of one per entry: every mount costs bubblewrap time
 * on each command, and the 23 binds of the allow-list took about 6 of a command's 20 ms here.
 *
 * What is copied is what the per-entry binds showed, no more: a top-level entry that is a symbolic link is copied
 * as what it points to (a bind resolves it); inside a directory links stay links (they resolve inside the sandbox,
 * where /usr is the host's). Anything the sandbox's uid could not read through a bind either — not readable by
 * "other", like /etc/ssl/private — is left out, so no private key is ever copied. Sockets and devices are skipped.
 * The copy reflects /etc when the provider started; the job's sandboxes see no later host change. nsswitch.conf,
 * hosts and gitconfig are fleetmod's own (args.ts), not the host's.
 */
import { chmod, copyFile, lstat, mkdir, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ETC_ALLOW_LIST, PER_SANDBOX_ETC_FILES, SANDBOX_GITCONFIG, SANDBOX_HOSTS, SANDBOX_NSSWITCH } from './args.js';
import { writeReadableFile } from './readable-file.js';

const OTHER_READ = 0o004;
const OTHER_SEARCH = 0o001;

/** Fills the empty folder `target` with the sandbox's /etc, read from `source` (the host's /etc). */
export async function prepareSandboxEtc(target: string, source = '/etc'): Promise<void> {
  await chmod(target, 0o755);
  for (const entry of ETC_ALLOW_LIST) {
    const from = path.join(source, entry);
    const stats = await stat(from).catch(() => null);
    if (stats) await copyEntry(from, path.join(target, entry), stats);
  }
  await writeSandboxEtcFiles(target);
}

/**
 * What fleetmod writes into every sandbox /etc itself: its nsswitch.conf, hosts and gitconfig, and empty files for
 * what each sandbox gets its own of (passwd, group), bound over these.
 */
export async function writeSandboxEtcFiles(etcDir: string): Promise<void> {
  const own = { 'nsswitch.conf': SANDBOX_NSSWITCH, hosts: SANDBOX_HOSTS, gitconfig: SANDBOX_GITCONFIG };
  for (const [name, content] of Object.entries(own)) await writeReadableFile(path.join(etcDir, name), content);
  for (const name of PER_SANDBOX_ETC_FILES) await writeFile(path.join(etcDir, name), '', { mode: 0o644 });
}

async function copyEntry(from: string, to: string, stats: Stats): Promise<void> {
  if (stats.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  } else if (stats.isFile()) {
    if (!(stats.mode & OTHER_READ)) return;
    await copyFile(from, to);
    await chmod(to, stats.mode & 0o755);
  } else if (stats.isDirectory()) {
    if (!(stats.mode & OTHER_READ) || !(stats.mode & OTHER_SEARCH)) return;
    await mkdir(to);
    for (const name of await readdir(from)) {
      const child = path.join(from, name);
      await copyEntry(child, path.join(to, name), await lstat(child));
    }
    await chmod(to, stats.mode & 0o755);
  }
}
