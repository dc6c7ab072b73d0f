/**
 * The /etc every local sandbox sees: a copy of the host's allow-listed entries (ETC_ALLOW_LIST), made once per
 * provider and bound read-only as a whole. One mount instead of one per entry: every mount costs bubblewrap time
 * on each command, and the 23 binds of the allow-list took about 6 of a command's 20 ms here.
 *
 * What is copied is what the per-entry binds showed, no more: a top-level entry that is a symbolic link is copied
 * as what it points to (a bind resolves it); inside a directory links stay links (they resolve inside the sandbox,
 * where /usr is the host's). Anything the sandbox's uid could not read through a bind either — not readable by
 * "other", like /etc/ssl/private — is left out, so no private key is ever copied. Sockets and devices are skipped.
 * nsswitch.conf, hosts and gitconfig are fleetmod's own (args.ts), not the host's.
 *
 * Files and links are hard links to the host's own where the kernel allows it (the copy on the same filesystem as
 * /etc, and fleetmod root or their owner), and copies otherwise. A link makes no new inode, and making inodes is
 * what the copy spends its time on: about 1,000 entries here (/etc/alternatives and /etc/ssl/certs are mostly
 * symbolic links), 680 ms as copies on this machine's filesystem against 20 ms as links, on the way to every run's
 * first sandbox. A link shares the host file's mode, so a file is linked only when its mode is already what the
 * copy would give it (nothing beyond 0755: no setuid, no write for group or others); fleetmod never changes a
 * linked entry, writes its own files only as new files, and the sandbox sees the copy read-only. The copy reflects
 * /etc when the provider started, except that a linked file the host edits in place shows the edit.
 */
import { chmodSync, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, statSync, symlinkSync, type Stats } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TimeSlices } from '../../util/time-slices.js';
import { ETC_ALLOW_LIST, PER_SANDBOX_ETC_FILES, SANDBOX_GITCONFIG, SANDBOX_HOSTS, SANDBOX_NSSWITCH } from './args.js';
import { writeReadableFile } from './readable-file.js';

const OTHER_READ = 0o004;
const OTHER_SEARCH = 0o001;
/** The copy's synchronous calls hold the event loop at most this long at a time (time-slices.ts). */
const SLICE_MS = 2;

/** Fills the empty folder `target` with the sandbox's /etc, read from `source` (the host's /etc). */
export async function prepareSandboxEtc(target: string, source = '/etc'): Promise<void> {
  await chmod(target, 0o755);
  const copier = new EntryCopier(new TimeSlices(SLICE_MS));
  for (const entry of ETC_ALLOW_LIST) {
    const from = path.join(source, entry);
    const stats = statOrNull(from);
    // A top-level link is copied as what it points to: a link to it must be to that file, not to the link.
    if (stats) await copier.copy(stats.isFile() ? realpathSync(from) : from, path.join(target, entry), stats);
  }
  await writeSandboxEtcFiles(target);
}

/**
 * What fleetmod writes into every sandbox /etc itself: its nsswitch.conf, hosts and gitconfig, and empty files for
 * what each sandbox gets its own of (passwd, group), bound over these. Each is a new file: an entry of the same
 * name copied from the host could be a link to the host's own file, which must never be written.
 */
export async function writeSandboxEtcFiles(etcDir: string): Promise<void> {
  const own = { 'nsswitch.conf': SANDBOX_NSSWITCH, hosts: SANDBOX_HOSTS, gitconfig: SANDBOX_GITCONFIG };
  for (const [name, content] of Object.entries(own)) await writeReadableFile(path.join(etcDir, name), content, { exclusive: true });
  for (const name of PER_SANDBOX_ETC_FILES) await writeFile(path.join(etcDir, name), '', { mode: 0o644, flag: 'wx' });
}

/** Errors that say no link will work for this copy (another filesystem, or links to files fleetmod does not own refused). */
const LINKS_REFUSED = new Set(['EXDEV', 'EPERM', 'EACCES']);

/**
 * Copies entries with synchronous calls, in slices (about 1,000 entries: 12–19 ms in all here, where a thread-pool
 * round trip per call made it 110–150 ms).
 */
class EntryCopier {
  /** Until a link is refused for a reason that holds for every entry; then everything is copied. */
  private linking = true;

  constructor(private readonly slices: TimeSlices) {}

  async copy(from: string, to: string, stats: Stats): Promise<void> {
    if (this.slices.due()) await this.slices.next();
    if (stats.isSymbolicLink()) {
      if (!this.tryLink(from, to)) symlinkSync(readlinkSync(from), to);
    } else if (stats.isFile()) {
      if (!(stats.mode & OTHER_READ)) return;
      // A link has the host file's mode; only one that needs no change may be linked.
      if ((stats.mode & 0o7777 & ~0o755) === 0 && this.tryLink(from, to)) return;
      copyFileSync(from, to);
      chmodSync(to, stats.mode & 0o755);
    } else if (stats.isDirectory()) {
      if (!(stats.mode & OTHER_READ) || !(stats.mode & OTHER_SEARCH)) return;
      mkdirSync(to);
      for (const name of readdirSync(from)) {
        const child = path.join(from, name);
        await this.copy(child, path.join(to, name), lstatSync(child));
      }
      chmodSync(to, stats.mode & 0o755);
    }
  }

  /** Hard-links `from` (a link itself, never what it points to) as `to`; false when that did not work. */
  private tryLink(from: string, to: string): boolean {
    if (!this.linking) return false;
    try {
      linkSync(from, to);
      return true;
    } catch (err) {
      if (LINKS_REFUSED.has((err as NodeJS.ErrnoException).code ?? '')) this.linking = false;
      return false;
    }
  }
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
