/**
 * One sandbox's cgroup: made in `create()`, limits written once, every exec's bwrap joins it before it starts
 * any process (see spawn-bwrap's launcher), its counters explain kills, and it is removed on destroy. Only
 * the controllers a limit needs are used, so a plain exec costs one or two small writes.
 */
import { readFile, rmdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupController, CgroupSupport } from './detect.js';

export interface CgroupLimits {
  memoryBytes?: number;
  pids?: number;
  cpus?: number;
}

export interface CgroupCounters {
  /** Processes killed by the kernel's OOM killer inside this cgroup. */
  oomKills: number;
  /** Forks refused because the process limit was reached. */
  pidsMaxHits: number;
}

const CPU_PERIOD_US = 100_000;

export class SandboxCgroup {
  private constructor(
    private readonly support: CgroupSupport,
    /** Directory per controller in use (v2: the same directory for all). */
    private readonly dirs: Map<CgroupController, string>,
  ) {}

  /** The controllers this cgroup enforces. */
  get controllers(): CgroupController[] {
    return [...this.dirs.keys()];
  }

  static async create(support: CgroupSupport, name: string, limits: CgroupLimits): Promise<SandboxCgroup> {
    const dirs = new Map<CgroupController, string>();
    const wanted: CgroupController[] = [];
    if (limits.memoryBytes !== undefined) wanted.push('memory');
    if (limits.pids !== undefined) wanted.push('pids');
    if (limits.cpus !== undefined) wanted.push('cpu');
    for (const controller of wanted) {
      const parent = support.parents[controller];
      if (parent) dirs.set(controller, path.join(parent, name));
    }
    const cgroup = new SandboxCgroup(support, dirs);
    try {
      for (const dir of new Set(dirs.values())) await mkdir(dir);
      await cgroup.writeLimits(limits);
    } catch (err) {
      await cgroup.remove();
      throw err;
    }
    return cgroup;
  }

  private async writeLimits(limits: CgroupLimits): Promise<void> {
    const v1 = this.support.version === 1;
    const memory = this.dirs.get('memory');
    if (memory && limits.memoryBytes !== undefined) {
      const bytes = String(limits.memoryBytes);
      await writeFile(path.join(memory, v1 ? 'memory.limit_in_bytes' : 'memory.max'), bytes);
      // Without a swap limit a hog would page out instead of being stopped.
      if (this.support.swapLimit) {
        await writeFile(path.join(memory, v1 ? 'memory.memsw.limit_in_bytes' : 'memory.swap.max'), v1 ? bytes : '0');
      }
    }
    const pids = this.dirs.get('pids');
    if (pids && limits.pids !== undefined) await writeFile(path.join(pids, 'pids.max'), String(limits.pids));
    const cpu = this.dirs.get('cpu');
    if (cpu && limits.cpus !== undefined) {
      const quota = Math.max(1_000, Math.round(limits.cpus * CPU_PERIOD_US));
      if (v1) {
        await writeFile(path.join(cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
        await writeFile(path.join(cpu, 'cpu.cfs_quota_us'), String(quota));
      } else {
        await writeFile(path.join(cpu, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
      }
    }
  }

  /**
   * The files a single-threaded process writes `0` to, to move itself here (spawn-bwrap's launcher, before it
   * becomes bwrap; its children inherit the cgroup). On v1 that is `tasks`, which moves only the writing thread
   * and so skips the kernel's global threadgroup lock that `cgroup.procs` takes; v2 has one `cgroup.procs`.
   */
  get selfJoinFiles(): string[] {
    return [...new Set(this.dirs.values())].map((dir) => path.join(dir, this.support.version === 1 ? 'tasks' : 'cgroup.procs'));
  }

  async counters(): Promise<CgroupCounters> {
    const v1 = this.support.version === 1;
    const memory = this.dirs.get('memory');
    const pids = this.dirs.get('pids');
    const [memoryText, pidsText] = await Promise.all([
      memory ? readFile(path.join(memory, v1 ? 'memory.oom_control' : 'memory.events'), 'utf8').catch(() => '') : '',
      pids ? readFile(path.join(pids, 'pids.events'), 'utf8').catch(() => '') : '',
    ]);
    return { oomKills: counter(memoryText, 'oom_kill'), pidsMaxHits: counter(pidsText, 'max') };
  }

  /** Kills every process left in the cgroup (fallback when the sandbox's init pid is unknown). */
  async killAll(): Promise<void> {
    const dir = this.dirs.values().next().value;
    if (dir) await killCgroupProcesses(this.support, dir);
  }

  /**
   * Removes the cgroup directories; retries briefly while the last processes are being reaped. Returns whether all
   * of them are gone (a cgroup that stays still holds processes, or could not be removed).
   */
  async remove(): Promise<boolean> {
    let gone = true;
    for (const dir of new Set(this.dirs.values())) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || attempt === 19) {
            gone = false;
            break;
          }
          await this.killAll();
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    }
    return gone;
  }
}

/** SIGKILLs every process in the cgroup directory `dir` (`cgroup.kill` where v2 has it). */
export async function killCgroupProcesses(support: CgroupSupport, dir: string): Promise<void> {
  if (support.version === 2 && support.killFile) {
    await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
    return;
  }
  const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function counter(text: string, key: string): number {
  const match = new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}
