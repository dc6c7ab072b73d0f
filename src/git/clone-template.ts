/**
 * The template directory every host clone is made with (`git clone --template=`): nothing but `info/attributes`,
 * saying that no filter, `ident` or `working-tree-encoding` applies to any path. That file outranks every
 * `.gitattributes`, so neither the repository's attributes (when the clone checks out) nor a sandbox's (when host
 * git takes the diff) can make host git run a filter program from the host's git configuration — git-lfs's,
 * typically — on content the sandbox chose. The checkout holds what the repository records (an LFS-tracked file
 * is its pointer), and the diff records what the step wrote.
 *
 * A run keeps it in its state folder (`<state>/git-template`, written once and checked at each run); a HostGit given
 * no folder makes one in the temporary folder, under a prefix a later fleetmod removes (owned-temp.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeOwnedTempDir } from '../util/owned-temp.js';

export const CLONE_TEMPLATE_PREFIX = 'fleetmod-template-';

/** `!` makes each attribute unspecified, as if no `.gitattributes` had named it. */
export const NO_FILTER_ATTRIBUTES = '* !filter !ident !working-tree-encoding\n';

/** A function that makes the template (in `dir`, or a temporary folder) on its first call and returns its folder. */
export function cloneTemplate(dir?: string): () => Promise<string> {
  let made: Promise<string> | undefined;
  const make = async () => {
    const folder = dir ?? (await makeOwnedTempDir(os.tmpdir(), CLONE_TEMPLATE_PREFIX));
    const attributes = path.join(folder, 'info', 'attributes');
    if ((await readFile(attributes, 'utf8').catch(() => undefined)) !== NO_FILTER_ATTRIBUTES) {
      await mkdir(path.dirname(attributes), { recursive: true });
      await writeFile(attributes, NO_FILTER_ATTRIBUTES);
    }
    return folder;
  };
  return () => {
    made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    });
    return made;
  };
}
