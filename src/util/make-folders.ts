/**
 * Makes a folder and any missing parents, one level at a time. Node's `mkdir(…, { recursive: true })` never returns
 * for a path under a filesystem that answers ENOENT to every create (`/proc/nope/…` loops in Node 20), and a path
 * the user typed can be anything.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    const found = await stat(at).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}
