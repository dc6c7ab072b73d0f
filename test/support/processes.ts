/** Looks for processes on the host from tests that must prove nothing was left running. */
import { readdir, readFile } from 'node:fs/promises';

/** Host processes whose command line contains `marker` (attacks rename their processes with it). */
export async function processesNamed(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline}`);
  }
  return found;
}

/** Waits (up to `ms`) for processes named with `marker` to be gone: a killed tree takes a moment to be reaped. */
export async function settledProcessesNamed(marker: string, ms = 5_000): Promise<string[]> {
  let left = await processesNamed(marker);
  for (let waited = 0; left.length > 0 && waited < ms; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    left = await processesNamed(marker);
  }
  return left;
}

/**
 * The farthest ancestor of `pid` whose command is `name`, or null — for bwrap: the one fleetmod started, not the
 * sandbox's init (also named bwrap, and deaf to signals from outside its namespace).
 */
export async function ancestorNamed(pid: number, name: string): Promise<number | null> {
  let current = pid;
  let found: number | null = null;
  for (let depth = 0; depth < 16 && current > 1; depth += 1) {
    const stat = await readFile(`/proc/${current}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces or parentheses, so read around the last ')'.
    const close = stat.lastIndexOf(')');
    if (close < 0) break;
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    if (comm === name && current !== pid) found = current;
    current = Number(stat.slice(close + 2).split(' ')[1]);
  }
  return found;
}
