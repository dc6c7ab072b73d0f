/**
 * The clone cache: one bare mirror per repository under the user's cache directory, refreshed with an incremental
 * fetch of the base branch, so a second run on the same repositories downloads only what changed. Checkouts are
 * made from the mirror with --no-hardlinks: a sandbox never shares a writable inode with the mirror.
 *
 * The first time the cache meets a repository, making its mirror is also the look at the remote (firstLook): a
 * clone of the remote's default branch says which branch that is and where, so the resolve stage needs no
 * ls-remote — one round trip and three processes less per repository on a cold run.
 *
 * A new mirror is made from a checkout: one clone from the remote with a worktree, whose objects are copied into
 * the mirror (seed-mirror.ts); the checkout then waits (staged) for the repository's checkout, which takes it by a
 * rename instead of cloning the mirror — a git clone and its upload-pack less per repository on a cold run. A
 * staged checkout nobody takes is removed when its task ends (release), or by the next run if this one was killed.
 * When checkouts go to another filesystem than the cache's, the rename cannot move them: after the first such
 * failure, new mirrors are bare clones again and checkouts are cloned from them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RepoRef } from '../domain/repo.js';
import type { GitAuth, HostGit } from './host-git.js';
import { readRef, readSymbolicHead } from './read-ref.js';
import { seedMirror } from './seed-mirror.js';
import { removeTree } from '../util/remove-tree.js';
import { spreadSubdirectories } from '../util/spread-subdirectories.js';
import { makeOwnedTempDir, removeLeftoverTempDirs } from '../util/owned-temp.js';

/** A mirror being cloned is a folder of this prefix next to the mirrors until it is complete. */
export const MIRROR_PARTIAL_PREFIX = '.partial-';

export interface RepoCheckout {
  /**
   * Clones `base` of `repo` into `dest` (which must not exist). `baseSha`, when the caller already knows where the
   * remote's base is, lets a cache that has that commit skip asking the remote again.
   */
  checkout(repo: RepoRef, base: string, dest: string, auth?: GitAuth, baseSha?: string): Promise<void>;
  /**
   * When the cache has no copy of `repo` yet: makes one of the remote's default branch now and says which branch
   * that is and its commit (null and null: the repository is empty). Null when the cache had a copy already (or
   * another process made it meanwhile): then only the remote can say where its branches are now.
   */
  firstLook?(repo: RepoRef, auth?: GitAuth): Promise<RemoteHead | null>;
  /** Drops what the cache kept of `repo` for its checkout (a staged one); for when its task ends either way. */
  release?(repo: RepoRef): Promise<void>;
}

export interface RemoteHead {
  defaultBranch: string | null;
  defaultBranchSha: string | null;
}

/** Clones straight from the remote every time (no cache). */
export function createDirectCheckout(git: HostGit): RepoCheckout {
  return {
    checkout: (repo, base, dest, auth) => git.clone(repo.url, dest, base, auth ? { auth } : {}),
  };
}

export interface MirrorCacheOptions {
  git: HostGit;
  /** Folder holding the mirrors. */
  dir: string;
}

export function createMirrorCache(options: MirrorCacheOptions): RepoCheckout {
  // One refresh per mirror at a time within this process; concurrent runs in other processes are serialised by
  // git's own ref locks (a lost race surfaces as a transient "cannot lock ref" and is retried).
  const inFlight = new Map<string, Promise<void>>();
  let prepared: Promise<unknown> | undefined;
  // The cache folder made and what a killed fleetmod's clones left in it removed, once per cache (again after a
  // failure).
  const prepare = () =>
    (prepared ??= mkdir(options.dir, { recursive: true })
      // A first run makes a mirror per repository here while checkouts are removed elsewhere on the disk.
      .then(() => spreadSubdirectories(options.dir))
      .then(() => removeLeftoverTempDirs(options.dir, [MIRROR_PARTIAL_PREFIX]))
      .catch((err: unknown) => {
        prepared = undefined;
        throw err;
      }));

  /**
   * Checkouts made with a new mirror, by mirror and branch (branchKey), until the repository's checkout takes one
   * or its task ends. An entry is added only once its mirror is complete and removed before anything is done with
   * it, so no two calls ever work in the same staged folder.
   */
  const staged = new Map<string, Staged>();
  // False once a staged checkout could not be moved where checkouts go (another filesystem than the cache's): then
  // a new mirror is a bare clone again, as a clone with a worktree would be made for nothing.
  let stageCheckouts = true;

  const releaseStaged = async (mirror: string) => {
    const dropped = [...staged].filter(([key]) => key.startsWith(branchKey(mirror, '')));
    for (const [key] of dropped) staged.delete(key);
    for (const [, found] of dropped) await removeTree(found.folder);
  };

  /**
   * A new mirror: one clone of `base` (null: the remote's default branch) with a worktree, its objects copied into
   * the mirror, both in a folder of its own; the mirror is renamed into place when complete (a mirror is never half
   * made) and the checkout is staged for the repository's checkout (or, once staging has failed, one bare clone that
   * is the mirror). Says whether this call made the mirror (false: another fleetmod made it meanwhile; a staged
   * checkout, a fresh clone of the remote all the same, is kept anyway) and which branch the clone has and where
   * (null: the remote is empty).
   */
  const create = async (repo: RepoRef, base: string | null, mirror: string, auth?: GitAuth): Promise<{ made: boolean; head: RemoteHead }> => {
    await prepare();
    const folder = await makeOwnedTempDir(options.dir, MIRROR_PARTIAL_PREFIX);
    let keep = false;
    try {
      const withCheckout = stageCheckouts;
      const checkout = path.join(folder, 'checkout');
      const newMirror = path.join(folder, 'mirror.git');
      await options.git.clone(repo.url, withCheckout ? checkout : newMirror, base, { ...(auth && { auth }), bare: !withCheckout });
      const gitDir = withCheckout ? path.join(checkout, '.git') : newMirror;
      // A clone's HEAD names the branch it checked out; an empty remote's names one that has no commit.
      const branch = await readSymbolicHead(gitDir);
      const sha = branch === null ? null : await readRef(gitDir, `refs/heads/${branch}`);
      const head: RemoteHead = sha === null ? { defaultBranch: null, defaultBranchSha: null } : { defaultBranch: branch, defaultBranchSha: sha };
      const putInPlace = async (): Promise<boolean> => {
        if (withCheckout) await seedMirror(gitDir, newMirror, { branch: branch ?? base ?? 'main', sha });
        // Again, right before removing anything: another call may have put its mirror there meanwhile. A folder there
        // without HEAD is what an older fleetmod killed while making the mirror left.
        if (mirrorExists(mirror)) return false;
        await removeTree(mirror);
        return rename(newMirror, mirror).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') return false;
            throw err;
          },
        );
      };
      const made = mirrorExists(mirror) ? false : await putInPlace();
      if (withCheckout && branch !== null && sha !== null) {
        const key = branchKey(mirror, branch);
        const previous = staged.get(key);
        staged.set(key, { folder, checkout, sha });
        keep = true;
        if (previous) await removeTree(previous.folder);
      }
      return { made, head };
    } finally {
      if (!keep) await removeTree(folder);
    }
  };

  /**
   * The staged checkout of `base` of `mirror` moved to `dest` when it is at `baseSha` (when given); true when it
   * was. One at another commit is dropped: the checkout that comes now was the one it was kept for.
   */
  const takeStaged = async (mirror: string, base: string, dest: string, baseSha?: string): Promise<boolean> => {
    const key = branchKey(mirror, base);
    const found = staged.get(key);
    if (!found) return false;
    staged.delete(key);
    try {
      if (baseSha !== undefined && found.sha !== baseSha) return false;
      await mkdir(path.dirname(dest), { recursive: true });
      // Anything in the way: the mirror is there to clone from.
      return await rename(found.checkout, dest).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'EXDEV') stageCheckouts = false;
          return false;
        },
      );
    } finally {
      await removeTree(found.folder);
    }
  };

  const refresh = async (repo: RepoRef, base: string, mirror: string, auth?: GitAuth, baseSha?: string) => {
    // The remote's base is where the mirror has it already (a re-run, nothing merged since): no fetch at all.
    if (baseSha && (await readRef(mirror, `refs/heads/${base}`)) === baseSha) return;
    if (!mirrorExists(mirror)) {
      const { made, head } = await create(repo, base, mirror, auth);
      if (made || head.defaultBranchSha === null) return;
    }
    await options.git.fetchRefs(mirror, repo.url, [`+refs/heads/${base}:refs/heads/${base}`], auth);
  };

  // A first copy being made, by mirror: a checkout of the same repository waits for it instead of making another.
  const firstCopies = new Map<string, Promise<RemoteHead | null>>();

  const firstCopy = async (repo: RepoRef, mirror: string, auth?: GitAuth): Promise<RemoteHead | null> => {
    if (mirrorExists(mirror)) return null;
    const { made, head } = await create(repo, null, mirror, auth);
    return made ? head : null;
  };

  return {
    firstLook(repo, auth) {
      const mirror = mirrorPath(options.dir, repo);
      let pending = firstCopies.get(mirror);
      if (!pending) {
        pending = firstCopy(repo, mirror, auth).finally(() => firstCopies.delete(mirror));
        firstCopies.set(mirror, pending);
      }
      return pending;
    },

    async checkout(repo, base, dest, auth, baseSha) {
      const mirror = mirrorPath(options.dir, repo);
      // A failed first copy is this checkout's to try again.
      await firstCopies.get(mirror)?.catch(() => undefined);
      if (await takeStaged(mirror, base, dest, baseSha)) return;
      const key = branchKey(mirror, base);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refresh(repo, base, mirror, auth, baseSha).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      await pending;
      // The checkout a new mirror was made with, when this call's refresh (or a concurrent one) made it.
      if (await takeStaged(mirror, base, dest)) return;
      await options.git.clone(mirror, dest, base);
    },

    release: (repo) => releaseStaged(mirrorPath(options.dir, repo)),
  };
}

/** Whether `mirror` is one: a folder is a repository to git, and a mirror to the cache, once it has HEAD. */
function mirrorExists(mirror: string): boolean {
  return existsSync(path.join(mirror, 'HEAD'));
}

/** One branch of one mirror, as the key of the refreshes in flight and of the staged checkouts. */
function branchKey(mirror: string, branch: string): string {
  return `${mirror}\0${branch}`;
}

/** A fresh clone of a branch at `sha`, made with a new mirror, in `folder` (its own temporary folder) at `checkout`. */
interface Staged {
  folder: string;
  checkout: string;
  sha: string;
}

export function mirrorPath(cacheDir: string, repo: Pick<RepoRef, 'key' | 'name'>): string {
  const hash = createHash('sha256').update(repo.key).digest('hex').slice(0, 16);
  return path.join(cacheDir, `${repo.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}.git`);
}

/** `$FLEETMOD_CACHE_DIR`, else `$XDG_CACHE_HOME/fleetmod/mirrors`, else `~/.cache/fleetmod/mirrors`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.FLEETMOD_CACHE_DIR) return path.resolve(env.FLEETMOD_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(env.HOME ?? os.homedir(), '.cache');
  return path.join(base, 'fleetmod', 'mirrors');
}
