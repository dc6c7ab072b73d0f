/**
 * Files fleetmod writes (as root, or as the user) for sandboxed code to read under its own uid: readable by
 * everyone whatever the umask, which a write alone would leave to chance.
 */
import { chmod, writeFile } from 'node:fs/promises';

/** `exclusive`: the file must be new — never write through an entry already there (it may be a host file's link). */
export async function writeReadableFile(file: string, content: string, options: { exclusive?: boolean } = {}): Promise<void> {
  await writeFile(file, content, { flag: options.exclusive ? 'wx' : 'w' });
  await chmod(file, 0o644);
}
