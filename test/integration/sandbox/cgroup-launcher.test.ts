/**
 * The launcher that puts each command's bubblewrap into its sandbox's cgroup (spawn-bwrap.ts): the sandbox runs
 * inside the cgroup from its first process, a command stopped while its launcher is still joining never starts,
 * and a fleetmod that dies before sending bwrap its options leaves bwrap nothing it could run. And destroy: the
 * cgroup and the scratch folder go while the checkout is taken back.
 */
import { execFile, spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cgroupName } from '../../../src/sandbox/local/cgroups/stale.js';
import { buildInnerCommand } from '../../../src/sandbox/local/inner-command.js';
import { SandboxNotStarted } from '../../../src/sandbox/local/launcher.js';
import { spawnBwrap } from '../../../src/sandbox/local/spawn-bwrap.js';
import { SANDBOX_SCRATCH_PREFIX } from '../../../src/sandbox/local/temp-names.js';
import { localProvider, openSandbox } from '../../support/sandbox.js';
import { tempDir } from '../../support/temp.js';

const isRoot = process.getuid?.() === 0;
const execFileAsync = promisify(execFile);

describe('local sandbox cgroup launcher (real bubblewrap and cgroups)', () => {
  it.skipIf(!isRoot)('every process of a command is in the sandbox\'s cgroup, none in fleetmod\'s (root only: only root makes cgroups here; CI runs as root)', async () => {
    const provider = localProvider();
    const { sandbox } = await openSandbox(provider);
    const parent = (await provider.capabilities()).cgroups.parents.pids as string;
    const tasks = path.join(parent, cgroupName(sandbox.id), 'tasks');

    const seen: string[] = [];
    const result = await sandbox.exec('sleep 0.3 & echo started; wait', {
      onOutput: (_stream, chunk) => {
        if (chunk.includes('started')) void readFile(tasks, 'utf8').then((text) => seen.push(text));
      },
    });

    expect(result.exitCode).toBe(0);
    // bwrap, the sandbox's init, bash and sleep at least; and no longer anything once the command is over.
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.trim().split('\n').length).toBeGreaterThanOrEqual(3);
    expect((await readFile(tasks, 'utf8')).trim()).toBe('');
  });

  it.skipIf(!isRoot)('destroy takes the checkout back for the host while the sandbox\'s cgroup and scratch folder go (root only: the checkout is lent to another uid only then; CI runs as root)', async () => {
    const tmpRoot = await tempDir('fleetmod-tmproot-');
    const provider = localProvider({ tmpRoot });
    // A sandbox without step files or network writes nothing of its own: its uid's passwd and group are the provider's.
    const plain = await openSandbox(provider);
    expect((await plain.sandbox.exec('id -un')).stdout).toBe('sandbox\n');
    expect((await readdir(tmpRoot)).filter((name) => name.startsWith(SANDBOX_SCRATCH_PREFIX))).toEqual([]);
    // Step files are what gives a sandbox a scratch folder of its own.
    const stepFile = path.join(await tempDir(), 'tool.sh');
    await writeFile(stepFile, 'echo tool\n');
    const { sandbox, workspace } = await openSandbox(provider, { files: new Map([['tool.sh', stepFile]]) });
    const cgroup = path.join((await provider.capabilities()).cgroups.parents.pids as string, cgroupName(sandbox.id));
    expect((await sandbox.exec('mkdir -p made && echo x > made/file')).exitCode).toBe(0);
    const scratch = (await readdir(tmpRoot)).filter((name) => name.startsWith(SANDBOX_SCRATCH_PREFIX));
    expect(scratch).toHaveLength(1);
    expect((await stat(path.join(workspace, 'made', 'file'))).uid).not.toBe(0);

    await sandbox.destroy();

    for (const entry of ['made/file', 'made', '.']) expect((await stat(path.join(workspace, entry))).uid, entry).toBe(0);
    expect(existsSync(cgroup)).toBe(false);
    expect((await readdir(tmpRoot)).filter((name) => name.startsWith(SANDBOX_SCRATCH_PREFIX))).toEqual([]);
  });

  it('a command stopped while its launcher is still joining never starts; once joined, the same command runs', async () => {
    const { joinFile, output, launch } = await heldLauncher();

    const controller = new AbortController();
    const stopped = launch(controller.signal);
    await sleep(200);
    controller.abort();
    const result = await stopped;
    // Let a launcher that were still alive go on, and give it time to run the command.
    const reader = await open(joinFile, constants.O_RDONLY | constants.O_NONBLOCK);
    await sleep(300);
    await reader.close();

    expect(result.killedBy).toBe('aborted');
    expect(existsSync(output)).toBe(false);

    const running = launch();
    const drain = await open(joinFile, constants.O_RDONLY);
    const ran = await running;
    await drain.close();
    expect(ran.exitCode).toBe(0);
    expect(await readFile(output, 'utf8')).toBe('ran\n');
  });

  it('a launcher a Ctrl-C catches before it left fleetmod\'s process group is started again, and the command runs once', async () => {
    const { joinFile, output, launch } = await heldLauncher();

    const running = launch();
    // The first launcher, held opening the fifo, gets the SIGINT a terminal sends to the whole group.
    const first = await launcherWaitingOn(joinFile);
    process.kill(first, 'SIGINT');
    const second = await launcherWaitingOn(joinFile, first);
    const drain = await open(joinFile, constants.O_RDONLY);
    const result = await running;
    await drain.close();

    expect(second).not.toBe(first);
    expect(result.exitCode).toBe(0);
    expect(await readFile(output, 'utf8')).toBe('ran\n');
  });

  it('a launcher that cannot join fails with the reason, and its command never starts', async () => {
    const { dir, output, launch } = await heldLauncher();

    const failed = launch(undefined, path.join(dir, 'gone', 'tasks'));

    await expect(failed).rejects.toThrow(SandboxNotStarted);
    await expect(failed).rejects.toMatchObject({ reason: 'cgroup', message: expect.stringMatching(/gone\/tasks: Directory nonexistent/) });
    expect(existsSync(output)).toBe(false);
  });

  it('bubblewrap that gets no options (fleetmod died before sending them) runs nothing: its root is empty', async () => {
    const provider = localProvider();
    const caps = await provider.capabilities();
    const dir = await tempDir('fleetmod-launcher-');
    const marker = path.join(dir, 'ran-on-host');
    const inner = buildInnerCommand({
      command: `touch ${marker}`,
      ...(caps.identity === 'drop' && caps.setpriv && { drop: { uid: 1879048192, gid: 1879048192, setpriv: caps.setpriv } }),
    });

    const child = spawn(caps.bwrap.binary as string, ['--args', '3', '--', ...inner], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: {} });
    // The write end closes without a byte, as it does when the process holding it is killed.
    (child.stdio[3] as NodeJS.WritableStream).end();
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).not.toBe(0);
    expect(stderr).toMatch(/execvp .*: No such file or directory/);
    expect(existsSync(marker)).toBe(false);
  });
});

/** The pid of the launcher whose arguments name `joinFile`, once there is one (other than `not`). */
async function launcherWaitingOn(joinFile: string, not?: number): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === not || Number(entry) === process.pid) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.startsWith('/bin/sh\0-c\0') && cmdline.includes(`\0${joinFile}\0`)) return Number(entry);
    }
    await sleep(10);
  }
  throw new Error(`no launcher waiting on ${joinFile}`);
}

/**
 * A command that appends "ran" to `output`, launched with a fifo as the file to join: opening a fifo for writing
 * blocks until someone reads it, which holds the launcher in the middle of joining.
 */
async function heldLauncher() {
  const binary = (await localProvider().capabilities()).bwrap.binary as string;
  const dir = await tempDir('fleetmod-launcher-');
  const joinFile = path.join(dir, 'tasks');
  await execFileAsync('mkfifo', [joinFile]);
  const output = path.join(dir, 'runs');
  const launch = (signal?: AbortSignal, join = joinFile) =>
    spawnBwrap({
      binary,
      args: ['--bind', '/', '/'],
      command: ['/bin/sh', '-c', `echo ran >> ${output}`],
      timeoutMs: 20_000,
      outputBytes: 4096,
      joinCgroupFiles: [join],
      ...(signal && { signal }),
    });
  return { dir, joinFile, output, launch };
}
