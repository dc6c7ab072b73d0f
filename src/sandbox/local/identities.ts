/**
 * Who a provider's sandboxes are: the uid each one runs as (drop mode: fleetmod is root) and the passwd and group
 * that name it inside.
 *
 * A uid belongs to one sandbox while that sandbox lives — two sandboxes alive at once never share one — and goes
 * back to the provider when the sandbox is destroyed cleanly: by then none of its processes is alive, its checkout
 * has been taken back, its cgroup is gone and its /tmp and home went with its mount namespace, so the next sandbox
 * given that uid inherits nothing. Handing uids out again lets each uid's passwd and group be written once per
 * provider instead of once per sandbox. Creating files is not free: on this project's benchmark machine (ext4
 * without a journal, where every new inode is checked against recently deleted ones) the per-sandbox folder and
 * its files were a fifth of a whole create, `true`, destroy cycle.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { makeOwnedTempDir } from '../../util/owned-temp.js';
import { identityFiles } from './args.js';
import { DROP_UID_BASE, DROP_UID_COUNT } from './capabilities.js';
import { writeReadableFile } from './readable-file.js';
import { IDENTITIES_PREFIX } from './temp-names.js';

export class SandboxIdentities {
  /** Uids given back by destroyed sandboxes, most recent last. */
  private readonly returned: number[] = [];
  /** Where the next never-used uid comes from; a random start keeps concurrent fleetmod processes apart. */
  private nextSlot = Math.floor(Math.random() * DROP_UID_COUNT);
  private root: Promise<string> | undefined;
  private readonly folders = new Map<string, Promise<string>>();

  constructor(private readonly tmpRoot: string) {}

  /** A uid no living sandbox of this provider has. */
  acquire(): number {
    return this.returned.pop() ?? DROP_UID_BASE + (this.nextSlot++ % DROP_UID_COUNT);
  }

  /** Gives `uid` back; only for a sandbox whose processes are gone and whose checkout was taken back. */
  release(uid: number): void {
    this.returned.push(uid);
  }

  /** The folder holding passwd and group for code running as `uid`/`gid` (as seen inside), written on first use. */
  filesFor(uid: number, gid: number): Promise<string> {
    const key = `${uid}:${gid}`;
    let folder = this.folders.get(key);
    if (!folder) {
      folder = this.write(uid, gid);
      this.folders.set(key, folder);
      // A failed write is tried again by the next sandbox instead of being remembered.
      folder.catch(() => this.folders.delete(key));
    }
    return folder;
  }

  /** Removes every folder written (provider shutdown). */
  async remove(): Promise<void> {
    const root = await this.root?.catch(() => undefined);
    this.root = undefined;
    this.folders.clear();
    if (root) await rm(root, { recursive: true, force: true });
  }

  private async write(uid: number, gid: number): Promise<string> {
    this.root ??= makeOwnedTempDir(this.tmpRoot, IDENTITIES_PREFIX);
    const folder = path.join(await this.root, `${uid}-${gid}`);
    // Recursive: a folder half-written by a failed attempt is written again.
    await mkdir(folder, { recursive: true });
    for (const [name, content] of Object.entries(identityFiles(uid, gid))) await writeReadableFile(path.join(folder, name), content);
    return folder;
  }
}
