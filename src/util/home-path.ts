/** `~/…` in a path the user wrote (a local repository, a key file): their home, from HOME when it is set. */
import os from 'node:os';
import path from 'node:path';

export function expandHome(written: string, env: NodeJS.ProcessEnv): string {
  return written.startsWith('~/') ? path.join(env.HOME ?? os.homedir(), written.slice(2)) : written;
}
