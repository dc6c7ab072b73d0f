/**
 * Finds where this process may create per-sandbox cgroups, once per provider (local-sandbox.md §5.1–5.2).
 * cgroup v1 / hybrid: each controller (memory, pids, cpu) has its own hierarchy; sandboxes go under this
 * process's own cgroup in each. cgroup v2: one hierarchy; because of the "no internal processes" rule the
 * sandboxes go under a dedicated `fleetmod` cgroup next to the root (root only). On hybrid hosts the v2 mount
 * usually holds none of the controllers, so v1 is used. Every candidate is probed by making and removing a
 * directory, so "available" means "worked just now".
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type CgroupController = 'memory' | 'pids' | 'cpu';
export const CGROUP_CONTROLLERS: readonly CgroupController[] = ['memory', 'pids', 'cpu'];

export interface CgroupSupport {
  version: 1 | 2 | null;
  /** Directory under which a sandbox's cgroup is made, per usable controller (v2: the same one for all). */
  parents: Partial<Record<CgroupController, string>>;
  /** Whether swap can be limited too (v1 memory.memsw.*, v2 memory.swap.max). */
  swapLimit: boolean;
  /** v2 only: `cgroup.kill` kills every process of a cgroup in one write (kernel ≥ 5.14). */
  killFile: boolean;
  /** Why a controller is not usable, for `fleetmod doctor`. */
  notes: string[];
}

export interface CgroupDetectOptions {
  procRoot?: string;
  isRoot?: boolean;
}

interface Mount {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

export async function detectCgroups(options: CgroupDetectOptions = {}): Promise<CgroupSupport> {
  const proc = options.procRoot ?? '/proc';
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const none: CgroupSupport = { version: null, parents: {}, swapLimit: false, killFile: false, notes: [] };
  const [mountinfo, membership] = await Promise.all([
    readFile(path.join(proc, 'self/mountinfo'), 'utf8').catch(() => ''),
    readFile(path.join(proc, 'self/cgroup'), 'utf8').catch(() => ''),
  ]);
  const mounts = parseMountinfo(mountinfo);
  const own = parseMembership(membership);

  const v1 = await detectV1(mounts, own);
  if (Object.keys(v1.parents).length > 0) return v1;
  const v2 = await detectV2(mounts, own, isRoot);
  if (Object.keys(v2.parents).length > 0) return v2;
  return { ...none, notes: [...v1.notes, ...v2.notes] };
}

async function detectV1(mounts: Mount[], own: Map<string, string>): Promise<CgroupSupport> {
  const support: CgroupSupport = { version: 1, parents: {}, swapLimit: false, killFile: false, notes: [] };
  for (const controller of CGROUP_CONTROLLERS) {
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
    const ownPath = [...own].find(([names]) => names.split(',').includes(controller))?.[1];
    if (!mount || ownPath === undefined) continue;
    const parent = path.join(mount.mountPoint, relativeTo(mount.root, ownPath));
    const limitFile = { memory: 'memory.limit_in_bytes', pids: 'pids.max', cpu: 'cpu.cfs_quota_us' }[controller];
    const problem = await probe(parent, limitFile);
    if (problem) {
      support.notes.push(`cgroup v1 ${controller}: ${problem}`);
      continue;
    }
    support.parents[controller] = parent;
    if (controller === 'memory') support.swapLimit = await exists(path.join(parent, 'memory.memsw.limit_in_bytes'));
  }
  return support;
}

async function detectV2(mounts: Mount[], own: Map<string, string>, isRoot: boolean): Promise<CgroupSupport> {
  const support: CgroupSupport = { version: 2, parents: {}, swapLimit: false, killFile: false, notes: [] };
  const mount = mounts.find((m) => m.fsType === 'cgroup2');
  if (!mount || !own.has('')) return support;
  const available = (await readFile(path.join(mount.mountPoint, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
  const wanted = CGROUP_CONTROLLERS.filter((c) => available.includes(c));
  if (wanted.length === 0) {
    support.notes.push(`cgroup v2 at ${mount.mountPoint} offers none of memory, pids, cpu`);
    return support;
  }
  if (!isRoot) {
    support.notes.push('cgroup v2: only root can create fleetmod\'s cgroups (no delegated subtree for this user)');
    return support;
  }
  // Sandboxes are leaves under <root>/fleetmod; controllers must be enabled top-down.
  const base = path.join(mount.mountPoint, 'fleetmod');
  try {
    await mkdir(base, { recursive: true });
  } catch (err) {
    support.notes.push(`cgroup v2: cannot create ${base}: ${(err as Error).message}`);
    return support;
  }
  // One controller per write: one that cannot be enabled (e.g. cpu with realtime tasks) must not block the others.
  for (const controller of wanted) {
    for (const dir of [mount.mountPoint, base]) {
      await writeFile(path.join(dir, 'cgroup.subtree_control'), `+${controller}`).catch(() => undefined);
    }
  }
  const enabled = (await readFile(path.join(base, 'cgroup.subtree_control'), 'utf8').catch(() => '')).split(/\s+/);
  for (const controller of wanted) {
    if (enabled.includes(controller)) support.parents[controller] = base;
    else support.notes.push(`cgroup v2: controller ${controller} could not be enabled under ${base}`);
  }
  const problem = await probe(base, 'cgroup.procs');
  if (problem) return { ...support, parents: {}, notes: [...support.notes, `cgroup v2: ${problem}`] };
  support.swapLimit = await exists(path.join(base, 'memory.swap.max'));
  support.killFile = await exists(path.join(base, 'cgroup.kill'));
  return support;
}

/** Makes and removes a child cgroup; returns why that failed, or null. */
async function probe(parent: string, limitFile: string): Promise<string | null> {
  const dir = path.join(parent, `fleetmod-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    await mkdir(dir);
  } catch (err) {
    return `cannot create cgroups under ${parent} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  try {
    if (!(await exists(path.join(dir, limitFile)))) return `${limitFile} missing under ${parent}`;
    return null;
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType, , superOptions] = right.split(' ');
    if (!fields[3] || !fields[4] || !fsType) continue;
    mounts.push({ root: unescape(fields[3]), mountPoint: unescape(fields[4]), fsType, superOptions: (superOptions ?? '').split(',') });
  }
  return mounts;
}

/** `/proc/self/cgroup` as controller list → path ("" for the v2 line `0::/path`). */
export function parseMembership(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match) own.set(match[1] as string, match[2] as string);
  }
  return own;
}

function relativeTo(mountRoot: string, ownPath: string): string {
  if (mountRoot === '/' || !ownPath.startsWith(mountRoot)) return ownPath;
  return ownPath.slice(mountRoot.length) || '/';
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
