/** The ext2/3/4 attributes of a folder (`lsattr`), and whether this machine can show and set them in `dir`. */
import { execFileSync } from 'node:child_process';

/** The filesystem type `stat -f` names for `dir` ("ext2/ext3" for all of ext2, ext3 and ext4; "tmpfs"…). */
export function filesystemOf(dir: string): string {
  return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
}

/** The flags `lsattr` shows for the folder itself, e.g. `-------------Te-------`. */
export function attributesOf(dir: string): string {
  return execFileSync('lsattr', ['-d', dir], { encoding: 'utf8' }).split(/\s+/)[0] as string;
}

/** Whether `dir` is on ext2/3/4 and e2fsprogs' chattr and lsattr are installed. */
export function canSetAttributes(dir: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v chattr && command -v lsattr'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  return filesystemOf(dir) === 'ext2/ext3';
}
