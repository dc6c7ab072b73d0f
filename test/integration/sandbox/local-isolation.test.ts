import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SandboxLost } from '../../../src/domain/errors.js';
import { DROP_UID_BASE } from '../../../src/sandbox/local/capabilities.js';
import { cgroupName, removeStaleCgroups } from '../../../src/sandbox/local/cgroups/stale.js';
import { localProvider, openSandbox } from '../../support/sandbox.js';
import { tempDir } from '../../support/temp.js';

const isRoot = process.getuid?.() === 0;

/**
 * Each call would succeed without the seccomp filter (they only touch the caller itself); prints errno per call.
 * Perl because perl-base is essential on Debian-like systems, so the probe never needs an extra package.
 */
const SYSCALL_PROBE = `
use strict;
my %out;
sub call { my ($nr, @args) = @_; my $r = syscall($nr, @args); return $r >= 0 ? 0 : ($! + 0); }
my $params = "\\0" x 120;
$out{ptrace_traceme} = call(101, 0, 0, 0, 0);
$out{io_uring_setup} = call(425, 1, $params);
$out{unshare_newuser} = call(272, 0x10000000);
$out{keyctl} = call(250, 0, -3, 0);
$out{clone3} = call(435, 0, 0);
$out{getpid} = call(39);
my $c = "x";
$out{tiocsti} = ioctl(STDOUT, 0x5412, $c) ? 0 : ($! + 0);
print join(",", map { "$_=$out{$_}" } sort keys %out), "\\n";
`;

/** Two sandbox cgroups under the pids controller: one of a fleetmod process that has ended, one of this process. */
async function staleAndLiveCgroups(staleId: string, liveId: string) {
  const support = (await localProvider().capabilities()).cgroups;
  const parent = support.parents.pids as string;
  const gone = spawn('true');
  await new Promise((resolve) => gone.on('close', resolve));
  const stale = path.join(parent, cgroupName(staleId, gone.pid));
  const live = path.join(parent, cgroupName(liveId));
  await mkdir(stale);
  await mkdir(live);
  return { support, stale, live };
}

describe('local sandbox isolation (real bubblewrap)', () => {
  it.skipIf(!isRoot)('runs code as a dedicated unprivileged uid; the checkout is lent to it and taken back (root only: that is when fleetmod drops to another uid; CI runs as root)', async () => {
    const { sandbox, workspace } = await openSandbox(localProvider());

    const result = await sandbox.exec('id -u; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; echo new > created.txt; stat -c %u src/a.js .git/HEAD');
    const [uid, capEff, capBnd, nnp, ownerOfA, ownerOfGit] = result.stdout.trim().split('\n');

    expect(result.exitCode).toBe(0);
    expect(Number(uid)).toBeGreaterThanOrEqual(DROP_UID_BASE);
    expect([capEff, capBnd, nnp]).toEqual(['CapEff:\t0000000000000000', 'CapBnd:\t0000000000000000', 'NoNewPrivs:\t1']);
    expect(ownerOfA).toBe(uid);
    expect(ownerOfGit).not.toBe(uid);
    expect((await stat(path.join(workspace, 'created.txt'))).uid).toBe(Number(uid));

    await sandbox.exportDiff();

    for (const file of ['created.txt', 'src/a.js', 'src', '.']) expect((await stat(path.join(workspace, file))).uid, file).toBe(0);
  });

  it.skipIf(!isRoot)('sandboxes alive at once never share a uid; a destroyed one gives its uid to the next, which finds nothing of it (root only: uids are switched in drop mode; CI runs as root)', async () => {
    const provider = localProvider();
    const first = await openSandbox(provider);
    const second = await openSandbox(provider);
    const uidOf = async (sandbox: typeof first.sandbox) => {
      const result = await sandbox.exec('id -u; id -un');
      expect(result.stderr).toBe('');
      const [uid, name] = result.stdout.trim().split('\n');
      expect(name).toBe('sandbox');
      return Number(uid);
    };
    const firstUid = await uidOf(first.sandbox);
    expect(await first.sandbox.exec('echo left > "$HOME/note"; echo left > /tmp/note; echo mine > mine.txt; sleep 300 >/dev/null 2>&1 &')).toMatchObject({ exitCode: 0 });
    expect(await uidOf(second.sandbox)).not.toBe(firstUid);

    await first.sandbox.destroy();
    const third = await openSandbox(provider);

    expect(await uidOf(third.sandbox)).toBe(firstUid);
    const looked = await third.sandbox.exec('echo "home: $(ls -A "$HOME")"; echo "tmp: $(ls -A /tmp)"; echo "sleeping: $(ps -eo comm= | grep -c sleep)"; test -e mine.txt || echo "no mine.txt"');
    // Its home and /tmp are new and empty, the first one's processes are gone, and the first one's checkout is not its.
    expect(looked.stdout).toBe('home: \ntmp: \nsleeping: 0\nno mine.txt\n');
    expect((await stat(path.join(first.workspace, 'mine.txt'))).uid).toBe(0);
  });

  it.skipIf(!isRoot)('a sandbox whose checkout could not be taken back keeps its uid out of use (root only: uids are switched in drop mode; CI runs as root)', async () => {
    const provider = localProvider();
    const first = await openSandbox(provider);
    const uid = (await first.sandbox.exec('id -u')).stdout.trim();
    // Gone from under the sandbox: destroy cannot walk it back to the host, so nothing proves the uid owns nothing.
    await rm(first.workspace, { recursive: true, force: true });

    await first.sandbox.destroy();
    const next = await openSandbox(provider);

    expect(first.log.join('\n')).toContain('could not take the checkout back');
    expect((await next.sandbox.exec('id -u')).stdout.trim()).not.toBe(uid);
  });

  it.skipIf(process.arch !== 'x64')('seccomp refuses ptrace, io_uring, new user namespaces, keyrings, clone3 and TIOCSTI (x86_64 numbers; runs on x86_64 machines such as CI)', async () => {
    const { sandbox } = await openSandbox(localProvider());

    const result = await sandbox.exec(`perl - <<'PL'\n${SYSCALL_PROBE}\nPL`);

    expect(result.stderr).toBe('');
    // EPERM (1) everywhere but clone3, which gets ENOSYS (38) so libc falls back to clone; TIOCSTI on a pipe would
    // be ENOTTY (25) without the filter.
    expect(result.stdout).toBe('clone3=38,getpid=0,io_uring_setup=1,keyctl=1,ptrace_traceme=1,tiocsti=1,unshare_newuser=1\n');
  });

  it('ordinary work goes on under the filter: node with a worker thread (clone3 falls back to clone), perl, git', async () => {
    const { sandbox } = await openSandbox(localProvider());

    const result = await sandbox.exec(
      'node -e "const { Worker } = require(\'node:worker_threads\'); new Worker(\'1\', { eval: true }).on(\'exit\', () => console.log(\'node ok\'))"; ' +
        "perl -e 'print qq(perl ok\\n)'; " +
        'git status --short && git log --oneline | wc -l',
    );

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('node ok\nperl ok\n1\n');
  });

  it('code knows who it is and where it is, git has an identity, and a step may set git config of its own', async () => {
    const { sandbox } = await openSandbox(localProvider());

    const result = await sandbox.exec(
      'id -un; id -gn; hostname; grep -c . /etc/hosts; git config user.email; ' +
        'git config --global user.email step@example.com && git config user.email && git config --show-origin user.email',
    );

    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual([
      'sandbox',
      'sandbox',
      'sandbox',
      '2',
      'sandbox@fleetmod.invalid',
      'step@example.com',
      'file:/home/sandbox/.gitconfig\tstep@example.com',
    ]);
  });

  it('the timeout kills a tree that tries to escape (setsid, nohup, double fork, ignored SIGTERM); nothing is left', async () => {
    const { sandbox } = await openSandbox(localProvider());
    const marker = `fleetmod-escape-${process.pid}-${Date.now()}`;

    const result = await sandbox.exec(
      [
        `(exec -a ${marker}-bg sleep 300) &`,
        `setsid bash -c 'exec -a ${marker}-setsid sleep 300' &`,
        `nohup bash -c 'exec -a ${marker}-nohup sleep 300' >/dev/null 2>&1 &`,
        `bash -c '(bash -c "exec -a ${marker}-double sleep 300" &) &'`,
        `bash -c 'trap "" TERM HUP; exec -a ${marker}-noterm sleep 300' &`,
        'sleep 300',
      ].join('\n'),
      { timeoutMs: 1_500 },
    );

    expect(result).toMatchObject({ exitCode: null, timedOut: true, killedBy: 'timeout' });
    expect(await processesMatching(marker)).toEqual([]);
  });

  // bwrap exits as soon as the step's shell has, while its init is still to kill what the step left running: the
  // host must not take the checkout back (chown, chmod, git) while any of that can still write there.
  it.each(['auto', 'userns'] as const)('a command is over only when nothing it started is left: no write lands after it returned (%s identity)', async (identity) => {
    const { sandbox, workspace } = await openSandbox(localProvider({ identity }));
    const late: string[] = [];

    for (let i = 0; i < 20; i += 1) {
      // Writers that hold no output pipe, so nothing of the command's output waits for them.
      await sandbox.exec('rm -f alive; for k in 1 2 3 4; do (exec </dev/null >/dev/null 2>&1; while :; do echo $EPOCHREALTIME >> alive; done) & done; sleep 0.05');
      const returned = Date.now() / 1000;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const last = Math.max(...(await readFile(path.join(workspace, 'alive'), 'utf8')).trim().split('\n').map(Number));
      if (last > returned) late.push(`run ${i}: a write ${((last - returned) * 1000).toFixed(2)} ms after exec returned`);
    }

    expect(late).toEqual([]);
  });

  it('a memory hog is stopped at sandbox.memory and the reason says so', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { memoryBytes: 48 * 2 ** 20 } });

    const result = await sandbox.exec('head -c 400M /dev/zero | tail > /dev/null; echo survived');

    expect(result.stdout).not.toContain('survived');
    expect(result.exitCode).toBeNull();
    expect(result.killedBy).toBe('memory limit of 48MiB reached (out-of-memory kill)');
  });

  it('forks beyond sandbox.pids are refused and reported', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { pids: 20 } });

    const result = await sandbox.exec('for i in $(seq 1 60); do sleep 5 & done; wait', { timeoutMs: 2_000 });

    expect(result.exitCode).not.toBe(0);
    expect(`${result.stderr}`).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    expect(result.killedBy ?? result.stderr).toMatch(/process limit of 20 reached \(\d+ forks? refused\)/);
  });

  it.skipIf(!isRoot)('a sandbox whose cgroup is gone fails the command as lost infrastructure and starts nothing (root only: only root makes cgroups here; CI runs as root)', async () => {
    const provider = localProvider();
    const { sandbox, workspace } = await openSandbox(provider);
    const parent = (await provider.capabilities()).cgroups.parents.pids;
    expect(parent).toBeDefined();
    await rmdir(path.join(parent as string, cgroupName(sandbox.id)));

    await expect(sandbox.exec('touch started')).rejects.toThrow(SandboxLost);
    await expect(sandbox.exec('touch started')).rejects.toThrow(/could not put sandbox local-[0-9a-f]{8} into its cgroup/);
    expect(existsSync(path.join(workspace, 'started'))).toBe(false);
  });

  it.skipIf(!isRoot)('removes the empty cgroups a crashed fleetmod left behind, and only those (root only: only root makes cgroups here; CI runs as root)', async () => {
    const { support, stale, live } = await staleAndLiveCgroups('local-deadbeef', 'local-0badcafe');
    onTestFinished(() => rmdir(live).catch(() => undefined));

    const removed = await removeStaleCgroups(support);

    expect(removed).toBeGreaterThanOrEqual(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it.skipIf(!isRoot)('kills what still runs in a crashed fleetmod\'s sandbox cgroup (a sandbox orphaned before bwrap armed --die-with-parent) and removes it; a live fleetmod\'s sandboxes are left alone (root only, as above)', async () => {
    const { support, stale, live } = await staleAndLiveCgroups('local-0ddba11e', 'local-5ca1ab1e');
    const orphan = spawn('sleep', ['600'], { stdio: 'ignore' });
    const running = spawn('sleep', ['600'], { stdio: 'ignore' });
    const orphanEnded = new Promise<NodeJS.Signals | null>((resolve) => orphan.on('exit', (_code, signal) => resolve(signal)));
    onTestFinished(async () => {
      running.kill('SIGKILL');
      orphan.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await rmdir(live).catch(() => undefined);
      await rmdir(stale).catch(() => undefined);
    });
    await writeFile(path.join(stale, 'cgroup.procs'), String(orphan.pid));
    await writeFile(path.join(live, 'cgroup.procs'), String(running.pid));

    await removeStaleCgroups(support);

    expect(await Promise.race([orphanEnded, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))])).toBe('SIGKILL');
    expect(existsSync(stale)).toBe(false);
    expect(running.exitCode).toBeNull();
    expect(existsSync(live)).toBe(true);
  });

  it.skipIf(!isRoot)('without cgroups, RLIMIT_DATA and RLIMIT_NPROC (on the sandbox\'s own uid) still stop a hog and a fork flood (root only: the fallback is forced by a root-only switch; CI runs as root)', async () => {
    const provider = localProvider({ cgroups: 'off' });
    const check = await provider.check({ memoryBytes: 64 * 2 ** 20, pids: 20, pidsExplicit: true, network: false });
    const { sandbox } = await openSandbox(provider, { limits: { memoryBytes: 64 * 2 ** 20, pids: 20 } });

    const hog = await sandbox.exec('head -c 400M /dev/zero | tail > /dev/null');
    const forks = await sandbox.exec('for i in $(seq 1 60); do sleep 5 & done; wait', { timeoutMs: 2_000 });

    expect(check.ok).toBe(true);
    expect(check.lines).toContain("process limit: RLIMIT_NPROC on the sandbox's own uid (no cgroup controller available; weaker)");
    expect(check.warnings).toContain('sandbox.memory is enforced with RLIMIT_DATA per process only (no cgroup memory controller)');
    expect(hog.exitCode).not.toBe(0);
    expect(hog.stderr).toMatch(/memory exhausted|Cannot allocate memory/);
    expect(forks.stderr).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
  });

  it('user-namespace identity (how a non-root fleetmod runs) isolates the same way', async () => {
    const provider = localProvider({ identity: 'userns' });
    const { sandbox, workspace } = await openSandbox(provider);

    const result = await sandbox.exec('id -u; grep -E "^(CapEff|Seccomp):" /proc/self/status; echo x > made.txt; cat /etc/shadow 2>&1 || true');

    expect(result.stdout.split('\n').slice(0, 3)).toEqual(['1000', 'CapEff:\t0000000000000000', 'Seccomp:\t2']);
    expect(result.stdout).toContain('No such file or directory');
    expect((await stat(path.join(workspace, 'made.txt'))).uid).toBe(process.getuid?.());
  });

  it('a step that grows the workspace past sandbox.disk is stopped while still writing, with the reason', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { diskBytes: 8 * 2 ** 20 } });

    const endless = await sandbox.exec('while true; do head -c 1M /dev/zero >> blob; sleep 0.05; done', { timeoutMs: 20_000 });
    const after = await sandbox.exec('rm blob; head -c 9M /dev/zero > blob2');

    expect(endless.timedOut).toBe(false);
    expect(endless.killedBy).toMatch(/^disk limit: the workspace uses \d+(\.\d+)?MiB, more than sandbox.disk 8\.0MiB$/);
    expect(after).toMatchObject({ exitCode: null, killedBy: expect.stringMatching(/^disk limit/) });
  });

  it('a sparse file counts at its full length against sandbox.disk: host git reads every byte of it, and holds them in memory for the diff', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { diskBytes: 8 * 2 ** 20 } });

    const result = await sandbox.exec('truncate -s 4G hole && du -k hole');

    expect(result).toMatchObject({ exitCode: null, killedBy: expect.stringMatching(/^disk limit: the workspace uses 4(\.0)?GiB, more than sandbox.disk 8\.0MiB$/) });
  });

  it('/tmp and home are size-capped tmpfs', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { tmpBytes: 4 * 2 ** 20 } });

    const result = await sandbox.exec('head -c 8M /dev/zero > /tmp/fill; echo "tmp rc=$?"; head -c 8M /dev/zero > ~/fill; echo "home rc=$?"', {});

    expect(result.stderr).toMatch(/No space left on device/);
    expect(result.stdout).toBe('');
  });

  // /dev is a tmpfs of bwrap's own, with no size cap: writable (in a user namespace, the sandbox owns it), it would
  // hold up to half the host's memory outside /tmp's limit.
  it.each(['auto', 'userns'] as const)('/dev takes no file; /dev/shm is writable (shm_open) but size-capped too (%s identity)', async (identity) => {
    const { sandbox } = await openSandbox(localProvider({ identity }), { limits: { tmpBytes: 4 * 2 ** 20 } });

    const result = await sandbox.exec(
      [
        '{ head -c 8M /dev/zero > /dev/fill || echo "dev refused"; } 2>&1',
        'head -c 1M /dev/zero > /dev/shm/small && echo "shm ok"',
        '{ head -c 8M /dev/zero > /dev/shm/fill || echo "shm full"; } 2>&1',
        'echo quiet > /dev/null && echo "null ok"',
      ].join('\n'),
    );

    expect(result.stdout).toMatch(/^[^\n]*(Read-only file system|Permission denied)\ndev refused\nshm ok\n[^\n]*No space left on device\nshm full\nnull ok\n$/);
  });

  it('step files are readable at $FLEETMOD_FILES (even from a private source file) and read-only', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'codemod.sh'), 'echo codemod ran\n', { mode: 0o600 });
    const { sandbox } = await openSandbox(localProvider(), { files: new Map([['tools/codemod.sh', path.join(dir, 'codemod.sh')]]) });

    const result = await sandbox.exec('bash "$FLEETMOD_FILES/tools/codemod.sh"; echo changed >> "$FLEETMOD_FILES/tools/codemod.sh" 2>/dev/null || echo read-only');

    expect(result.stdout).toBe('codemod ran\nread-only\n');
  });

  it('endless output is cut to head and tail, and the result says it was cut', async () => {
    const { sandbox } = await openSandbox(localProvider(), { limits: { outputBytes: 4096 } });

    const result = await sandbox.exec("echo FIRST; head -c 5000000 /dev/zero | tr '\\0' x; echo; echo LAST");

    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('FIRST\n')).toBe(true);
    expect(result.stdout.endsWith('LAST\n')).toBe(true);
    expect(result.stdout).toMatch(/… \[\d+ bytes of output cut by fleetmod\] …/);
    expect(result.stdout.length).toBeLessThan(5000);
  });
});

/** Host processes whose command line contains `marker`. */
async function processesMatching(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}
