import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalCapabilities } from '../../../src/sandbox/local/capabilities.js';
import { parseMembership, parseMountinfo, type CgroupSupport } from '../../../src/sandbox/local/cgroups/detect.js';
import { SandboxCgroup } from '../../../src/sandbox/local/cgroups/sandbox-cgroup.js';
import { checkNeeds, describeCapabilities, planLimits } from '../../../src/sandbox/local/limits-plan.js';
import { tempDir } from '../../support/temp.js';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;

function caps(overrides: Partial<LocalCapabilities> = {}, cgroups: Partial<CgroupSupport> = {}): LocalCapabilities {
  return {
    bwrap: { ok: true, binary: '/usr/bin/bwrap', version: '0.8.0', features: { disableUserns: true, tmpfsSize: true, tmpfsPerms: true }, notes: [] },
    identity: 'drop',
    setpriv: '/usr/bin/setpriv',
    prlimit: '/usr/bin/prlimit',
    socat: '/usr/bin/socat',
    seccomp: { arch: 'x86_64', filter: Buffer.alloc(8) },
    cgroups: { version: 1, parents: { memory: '/m', pids: '/p', cpu: '/c' }, swapLimit: true, killFile: false, notes: [], ...cgroups },
    notes: [],
    ...overrides,
  };
}

describe('cgroup discovery', () => {
  it('reads mount points and this process\'s own cgroups (hybrid layout)', () => {
    const mounts = parseMountinfo(HYBRID_MOUNTINFO);
    const own = parseMembership('9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n');

    expect(mounts.find((m) => m.superOptions.includes('memory'))).toMatchObject({ mountPoint: '/sys/fs/cgroup/memory', fsType: 'cgroup' });
    expect(mounts.find((m) => m.fsType === 'cgroup2')?.mountPoint).toBe('/sys/fs/cgroup/unified');
    expect(own.get('memory')).toBe('/process_api/abc');
    expect(own.get('cpu,cpuacct')).toBe('/');
    expect(own.get('')).toBe('/');
  });
});

describe('limit mechanisms', () => {
  it('prefers cgroups, falls back to rlimits (NPROC only with a uid per sandbox), and reports each', () => {
    expect(planLimits(caps())).toEqual({ memory: 'cgroup v1', pids: 'cgroup v1', cpu: 'cgroup v1' });
    expect(planLimits(caps({}, { version: null, parents: {} }))).toEqual({ memory: 'rlimit', pids: 'rlimit', cpu: null });
    expect(planLimits(caps({ identity: 'userns' }, { version: null, parents: {} }))).toEqual({ memory: 'rlimit', pids: null, cpu: null });
    expect(planLimits(caps({ prlimit: null }, { version: null, parents: {} }))).toEqual({ memory: null, pids: null, cpu: null });
    expect(describeCapabilities(caps({}, { version: null, parents: {} }))).toContain('cpu limit: NOT AVAILABLE on this machine');
  });

  it('refuses needs the machine cannot enforce, and only warns about the default process limit', () => {
    const bare = caps({ prlimit: null, socat: null, identity: 'userns' }, { version: null, parents: {} });

    const result = checkNeeds(bare, { memoryBytes: 1 << 28, cpus: 1, pids: 1024, pidsExplicit: false, network: ['registry.npmjs.org'] });

    expect(result.problems).toEqual([
      'sandbox.memory is set but this machine has no way to limit memory (no cgroup memory controller, no prlimit)',
      'sandbox.cpus is set but this machine has no cgroup cpu controller fleetmod can use',
      'sandbox.network needs socat (the relay to the egress proxy inside the sandbox), which is not installed under /usr',
    ]);
    expect(result.warnings[0]).toMatch(/number of processes per sandbox is not limited/);
    expect(result.fixes.join(' ')).toContain('apt-get install -y socat');
    expect(checkNeeds(bare, { pids: 64, pidsExplicit: true, network: false }).problems[0]).toMatch(/sandbox.pids is set/);
    expect(checkNeeds(caps(), { memoryBytes: 1, cpus: 1, pids: 64, pidsExplicit: true, network: true })).toEqual({ problems: [], warnings: [], fixes: [] });
    expect(checkNeeds(caps(), { network: ['not a host'] }).problems).toEqual(['sandbox.network entry "not a host": not a host name, address or range']);
  });
});

describe('a sandbox cgroup (file protocol, checked against a folder laid out like cgroupfs)', () => {
  // This machine runs cgroup v1, so v2's files are exercised here; the v1 path runs for real in the
  // integration and security tests.
  it('v2: writes memory.max, memory.swap.max, pids.max and cpu.max, reads events and joins', async () => {
    const parent = await tempDir();
    const support: CgroupSupport = { version: 2, parents: { memory: parent, pids: parent, cpu: parent }, swapLimit: true, killFile: true, notes: [] };
    const cgroup = await SandboxCgroup.create(support, 'fleetmod-x', { memoryBytes: 268435456, pids: 64, cpus: 1.5 });
    const dir = path.join(parent, 'fleetmod-x');

    expect(await readFile(path.join(dir, 'memory.max'), 'utf8')).toBe('268435456');
    expect(await readFile(path.join(dir, 'memory.swap.max'), 'utf8')).toBe('0');
    expect(await readFile(path.join(dir, 'pids.max'), 'utf8')).toBe('64');
    expect(await readFile(path.join(dir, 'cpu.max'), 'utf8')).toBe('150000 100000');

    expect(cgroup.selfJoinFiles).toEqual([path.join(dir, 'cgroup.procs')]);
    await writeFile(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    await writeFile(path.join(dir, 'pids.events'), 'max 17\n');
    expect(await cgroup.counters()).toEqual({ oomKills: 1, pidsMaxHits: 17 });
    expect(cgroup.controllers).toEqual(['memory', 'pids', 'cpu']);
  });

  it('v1: one directory per controller, memsw set to the memory limit, counters from memory.oom_control', async () => {
    const root = await tempDir();
    const parents = { memory: path.join(root, 'memory'), pids: path.join(root, 'pids') };
    for (const dir of Object.values(parents)) await mkdir(dir);
    const support: CgroupSupport = { version: 1, parents, swapLimit: true, killFile: false, notes: [] };

    const cgroup = await SandboxCgroup.create(support, 'fleetmod-y', { memoryBytes: 1000, pids: 10 });
    await writeFile(path.join(parents.memory, 'fleetmod-y', 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');

    expect(await readFile(path.join(parents.memory, 'fleetmod-y', 'memory.memsw.limit_in_bytes'), 'utf8')).toBe('1000');
    expect(await readFile(path.join(parents.pids, 'fleetmod-y', 'pids.max'), 'utf8')).toBe('10');
    expect((await cgroup.counters()).oomKills).toBe(2);
    // A thread's own `tasks` entry: moving itself that way skips the kernel's global threadgroup lock.
    expect(cgroup.selfJoinFiles).toEqual([path.join(parents.memory, 'fleetmod-y', 'tasks'), path.join(parents.pids, 'fleetmod-y', 'tasks')]);
    expect(await readdir(root)).toEqual(['memory', 'pids']);
  });
});
