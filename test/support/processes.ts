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
