/**
 * A clone cache's mirror made from a fresh clone of the remote, without a second clone: the clone's object files
 * copied (never linked — the clone becomes a sandbox's checkout, and a sandbox must share no writable inode with the
 * cache), HEAD naming the clone's branch, that branch in `packed-refs`, and the configuration of a bare repository
 * in the clone's object format. That is everything a bare `clone --single-branch` of the same branch holds that the
 * cache uses (it fetches with explicit URLs and refspecs, never through a configured remote).
 *
 * Only for a clone host git has just made: its `.git` is trusted, nothing else has touched it yet.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SeedHead {
  /** The branch HEAD names (the clone's). */
  branch: string;
  /** Its commit; null for an empty repository (HEAD then names a branch that has no commit yet). */
  sha: string | null;
}

/** Makes the bare repository `mirrorDir` (which must not exist) from the `.git` folder of a fresh clone. */
export async function seedMirror(cloneGitDir: string, mirrorDir: string, head: SeedHead): Promise<void> {
  await mkdir(path.join(mirrorDir, 'refs', 'heads'), { recursive: true });
  await mkdir(path.join(mirrorDir, 'refs', 'tags'));
  await copyObjects(path.join(cloneGitDir, 'objects'), path.join(mirrorDir, 'objects'));
  const sha256 = /^\s*objectformat\s*=\s*sha256\s*$/im.test(await readFile(path.join(cloneGitDir, 'config'), 'utf8'));
  const config = ['[core]', `\trepositoryformatversion = ${sha256 ? 1 : 0}`, '\tfilemode = true', '\tbare = true'];
  if (sha256) config.push('[extensions]', '\tobjectformat = sha256');
  await writeFile(path.join(mirrorDir, 'config'), `${config.join('\n')}\n`);
  if (head.sha !== null) await writeFile(path.join(mirrorDir, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${head.sha} refs/heads/${head.branch}\n`);
  // Last: a folder is a repository to git once it has HEAD (and the cache's own test for a mirror is HEAD too).
  await writeFile(path.join(mirrorDir, 'HEAD'), `ref: refs/heads/${head.branch}\n`);
}

/**
 * The object folder's files, two levels deep as git lays them out (`pack/…`, `info/…`, and the loose objects'
 * `xx/…` folders). A clone keeps what it received as one pack, so this is usually two or three files.
 */
async function copyObjects(from: string, to: string): Promise<void> {
  await mkdir(to);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isFile()) {
      await copyFile(source, target);
    } else if (entry.isDirectory()) {
      await mkdir(target);
      for (const file of await readdir(source, { withFileTypes: true })) {
        if (file.isFile()) await copyFile(path.join(source, file.name), path.join(target, file.name));
      }
    }
  }
}
