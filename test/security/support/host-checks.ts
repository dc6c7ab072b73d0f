/** What the attack tests look at on the host side after a run. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
export { processesNamed } from '../../support/processes.js';

/** Sandbox ids and uids a run's task logs name ("sandbox local-1a2b3c4d: bubblewrap, uid 1879048200 …"). */
export function sandboxesIn(logs: readonly string[]): { ids: string[]; uids: number[] } {
  const ids: string[] = [];
  const uids: number[] = [];
  for (const log of logs) {
    for (const match of log.matchAll(/sandbox (local-[0-9a-f]{8}): bubblewrap, (?:uid (\d+))?/g)) {
      ids.push(match[1] as string);
      if (match[2]) uids.push(Number(match[2]));
    }
  }
  return { ids, uids };
}

/** Host processes running as any of these uids. */
export async function processesOf(uids: readonly number[]): Promise<string[]> {
  const wanted = new Set(uids);
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    if (wanted.has(uid)) found.push(`${pid} (uid ${uid}): ${(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')}`);
  }
  return found;
}

/** cgroup directories left behind for these sandboxes (searched under every cgroup v1 controller and v2). */
export async function leftoverCgroups(ids: readonly string[]): Promise<string[]> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const membership = await readFile('/proc/self/cgroup', 'utf8');
  const parents = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right || !/^cgroup2? /.test(right)) continue;
    const mountPoint = left.split(' ')[4] as string;
    for (const m of membership.split('\n')) {
      const own = m.split(':')[2];
      if (own !== undefined) parents.add(path.join(mountPoint, own));
    }
    parents.add(path.join(mountPoint, 'fleetmod'));
  }
  const left: string[] = [];
  for (const parent of parents) {
    const names = await readdir(parent).catch(() => [] as string[]);
    left.push(...names.filter((name) => ids.some((id) => name.endsWith(`-${id}`))).map((name) => path.join(parent, name)));
  }
  return left;
}

/** The journal is a healthy SQLite database with one task per repo. */
export function journalIntact(dbPath: string): { integrity: string; tasks: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    const tasks = (db.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
    return { integrity, tasks };
  } finally {
    db.close();
  }
}
