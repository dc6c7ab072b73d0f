/**
 * The clone cache: one bare mirror per repository under the user's cache directory, refreshed with an incremental
 * fetch of the base branch, so a second run on the same repositories downloads only what changed. Checkouts are
 * made from the mirror with --no-hardlinks: a sandbox never shares a writable inode with the mirror.
 *
 * The first time the cache meets a repository, making its mirror is also the look at the remote (firstLook): a
 * clone of the remote's default branch says which branch that is and where, so the resolve stage needs no
 * ls-remote — one round trip and three processes less per repository on a cold run.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RepoRef } from '../domain/repo.js';
import type { GitAuth, HostGit } from './host-git.js';
import { readRef, readSymbolicHead } from './read-ref.js';
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
   * A new mirror is one bare clone of the base branch (one git process, where an empty repository and a fetch into
   * it were two), made in a folder of its own and renamed into place when complete: a mirror is never half made.
   * Returns false when another fleetmod made the mirror meanwhile (then it is fetched into like any other).
   */
  const create = async (repo: RepoRef, base: string | null, mirror: string, auth?: GitAuth): Promise<boolean> => {
    await prepare();
    const partial = await makeOwnedTempDir(options.dir, MIRROR_PARTIAL_PREFIX);
    try {
      await options.git.clone(repo.url, partial, base, { ...(auth && { auth }), bare: true });
      if (existsSync(path.join(mirror, 'HEAD'))) return false;
      // A folder there without HEAD is what an older fleetmod killed while making the mirror left.
      await rm(mirror, { recursive: true, force: true });
      return await rename(partial, mirror).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') return false;
          throw err;
        },
      );
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  };

  const refresh = async (repo: RepoRef, base: string, mirror: string, auth?: GitAuth, baseSha?: string) => {
    // The remote's base is where the mirror has it already (a re-run, nothing merged since): no fetch at all.
    if (baseSha && (await readRef(mirror, `refs/heads/${base}`)) === baseSha) return;
    if (!existsSync(path.join(mirror, 'HEAD')) && (await create(repo, base, mirror, auth))) return;
    await options.git.fetchRefs(mirror, repo.url, [`+refs/heads/${base}:refs/heads/${base}`], auth);
  };

  // A first copy being made, by mirror: a checkout of the same repository waits for it instead of making another.
  const firstCopies = new Map<string, Promise<RemoteHead | null>>();

  const firstCopy = async (repo: RepoRef, mirror: string, auth?: GitAuth): Promise<RemoteHead | null> => {
    if (existsSync(path.join(mirror, 'HEAD')) || !(await create(repo, null, mirror, auth))) return null;
    // A bare clone's HEAD names the remote's default branch; an empty remote's names one that has no commit.
    const head = await readSymbolicHead(mirror);
    const sha = head === null ? null : await readRef(mirror, `refs/heads/${head}`);
    return sha === null ? { defaultBranch: null, defaultBranchSha: null } : { defaultBranch: head, defaultBranchSha: sha };
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
      const key = `${mirror}\0${base}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = refresh(repo, base, mirror, auth, baseSha).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      await pending;
      await options.git.clone(mirror, dest, base);
    },
  };
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
