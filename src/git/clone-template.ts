/**
 * The template directory every host clone is made with (`git clone --template=`): nothing but `info/attributes`,
 * saying that no filter, `ident` or `working-tree-encoding` applies to any path. That file outranks every
 * `.gitattributes`, so neither the repository's attributes (when the clone checks out) nor a sandbox's (when host
 * git takes the diff) can make host git run a filter program from the host's git configuration — git-lfs's,
 * typically — on content the sandbox chose. The checkout holds what the repository records (an LFS-tracked file
 * is its pointer), and the diff records what the step wrote.
 *
 * Made once per HostGit, in the temporary folder under a prefix a later fleetmod removes (owned-temp.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeOwnedTempDir } from '../util/owned-temp.js';

export const CLONE_TEMPLATE_PREFIX = 'fleetmod-template-';

/** `!` makes each attribute unspecified, as if no `.gitattributes` had named it. */
export const NO_FILTER_ATTRIBUTES = '* !filter !ident !working-tree-encoding\n';

/** A function that makes the template on its first call and returns its folder on every call. */
export function cloneTemplate(tmpRoot: string = os.tmpdir()): () => Promise<string> {
  let made: Promise<string> | undefined;
  const make = async () => {
    const dir = await makeOwnedTempDir(tmpRoot, CLONE_TEMPLATE_PREFIX);
    await mkdir(path.join(dir, 'info'));
    await writeFile(path.join(dir, 'info', 'attributes'), NO_FILTER_ATTRIBUTES);
    return dir;
  };
  return () => {
    made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    });
    return made;
  };
}
