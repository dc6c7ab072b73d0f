/**
 * Descriptors fleetmod inherited from whatever started it without close-on-exec — a wrapper's `200>lockfile`, a CI
 * runner's pipe, a directory a supervisor keeps open — are closed before any sandbox starts. bwrap hands every open
 * descriptor on to the command it runs, and sandboxed code can use one through `/proc/self/fd/N`: a directory's
 * is a way out of every mount (its files, its parent, the whole host tree as fleetmod's uid). Node marks inherited
 * descriptors close-on-exec at start, but only up to the first gap after fd 15 (libuv's
 * uv_disable_stdio_inheritance), so one further up stays open for every child.
 *
 * Everything Node, libuv and SQLite open is close-on-exec, so a descriptor that is not is one fleetmod never uses.
 */
import { closeSync, readdirSync, readFileSync } from 'node:fs';

/** O_CLOEXEC as /proc/self/fdinfo shows it (octal; the same value on x86_64 and aarch64). */
const O_CLOEXEC = 0o2000000;

/** Closes every descriptor above stderr that is not close-on-exec; returns their numbers. */
export function closeInheritedDescriptors(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    let flags: number;
    try {
      const match = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (!match) continue;
      flags = Number.parseInt(match[1] as string, 8);
    } catch {
      // Closed meanwhile (the listing's own descriptor is one).
      continue;
    }
    if (flags & O_CLOEXEC) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // already closed
    }
  }
  return closed;
}
