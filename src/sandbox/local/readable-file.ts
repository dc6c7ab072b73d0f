/**
 * Files fleetmod writes (as root, or as the user) for sandboxed code to read under its own uid: readable by
 * everyone whatever the umask, which a write alone would leave to chance.
 */
import { chmod, writeFile } from 'node:fs/promises';

export async function writeReadableFile(file: string, content: string): Promise<void> {
  await writeFile(file, content);
  await chmod(file, 0o644);
}
