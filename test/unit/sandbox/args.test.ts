import { describe, expect, it } from 'vitest';
import { buildBwrapArgs, type BwrapArgsInput } from '../../../src/sandbox/local/args.js';
import { buildInnerCommand, relayScript } from '../../../src/sandbox/local/inner-command.js';

const base: BwrapArgsInput = {
  workspace: '/host/run/work/repo',
  hasGitDir: true,
  configDir: '/tmp/sbx',
  etcDir: '/tmp/fleetmod-etc',
  identity: 'userns',
  tmpBytes: 1024,
  features: { disableUserns: true, tmpfsSize: true, tmpfsPerms: true },
  env: { PATH: '/usr/bin', SECRET: 's3cret' },
  cwd: '/workspace',
  infoFd: 4,
  seccompFd: 5,
};

const pairs = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [[args[i + 1], args[i + 2]]] : []));

describe('bubblewrap options', () => {
  it('user-namespace mode: own user namespace, uid 1000, --disable-userns, no capabilities kept', () => {
    const args = buildBwrapArgs(base);

    expect(args).toEqual(expect.arrayContaining(['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']));
    expect(args.slice(args.indexOf('--uid'), args.indexOf('--uid') + 2)).toEqual(['--uid', '1000']);
    expect(args).not.toContain('--cap-add');
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual(['--cap-drop', 'ALL']);
  });

  it('drop mode: no user namespace, and only the capabilities setpriv needs to switch uid', () => {
    const args = buildBwrapArgs({ ...base, identity: 'drop' });

    expect(args).not.toContain('--unshare-user');
    expect(args).not.toContain('--uid');
    expect(args).not.toContain('--disable-userns');
    expect(args).toContain('--unshare-net');
    expect(args.flatMap((a, i) => (a === '--cap-add' ? [args[i + 1]] : []))).toEqual(['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_DAC_READ_SEARCH']);
    expect(args.indexOf('--cap-drop')).toBeLessThan(args.indexOf('--cap-add'));
  });

  it('binds the checkout read-write, then its .git read-only on top, and remounts / read-only after every mount', () => {
    const args = buildBwrapArgs({ ...base, filesDir: '/tmp/sbx/files', netDir: '/tmp/sbx/net' });
    const at = (flag: string, src: string) => args.findIndex((a, i) => a === flag && args[i + 1] === src);

    // The checkout is the only writable bind: the proxy's socket folder is read-only too.
    expect(pairs(args, '--bind')).toEqual([['/host/run/work/repo', '/workspace']]);
    expect(pairs(args, '--ro-bind')).toContainEqual(['/tmp/sbx/net', '/fleetmod/net']);
    expect(at('--ro-bind', '/host/run/work/repo/.git')).toBeGreaterThan(at('--bind', '/host/run/work/repo'));
    expect(pairs(args, '--ro-bind')).toContainEqual(['/tmp/sbx/files', '/fleetmod/files']);
    const lastMount = Math.max(...['--bind', '--ro-bind', '--ro-bind-try', '--tmpfs', '--proc', '--dev'].map((f) => args.lastIndexOf(f)));
    expect(args.indexOf('--remount-ro')).toBeGreaterThan(lastMount);
    // All of /etc is the allow-listed copy, one mount; only this sandbox's own passwd and group go over it.
    expect(pairs(args, '--ro-bind').filter(([, dest]) => dest?.startsWith('/etc'))).toEqual([
      ['/tmp/fleetmod-etc', '/etc'],
      ['/tmp/sbx/passwd', '/etc/passwd'],
      ['/tmp/sbx/group', '/etc/group'],
    ]);
    // git's configuration is the copy's /etc/gitconfig, not a file bound into home.
    expect(pairs(args, '--ro-bind').filter(([, dest]) => dest?.startsWith('/home'))).toEqual([]);
    expect(args).not.toContain('--ro-bind-try');
  });

  it('caps /tmp, /dev/shm and home: --perms and --size come right before each --tmpfs; /dev is read-only in a user namespace', () => {
    const args = buildBwrapArgs({ ...base, identity: 'drop', tmpBytes: 4096 });
    const tmpfs = args.flatMap((a, i) => (a === '--tmpfs' ? [args.slice(i - 4, i + 2)] : []));

    expect(tmpfs).toEqual([
      ['--perms', '1777', '--size', '4096', '--tmpfs', '/tmp'],
      ['--perms', '1777', '--size', '4096', '--tmpfs', '/dev/shm'],
      ['--perms', '0777', '--size', '4096', '--tmpfs', '/home/sandbox'],
    ]);
    expect(args.indexOf('--dev')).toBeLessThan(args.indexOf('/dev/shm'));
    // In drop mode /dev belongs to root, which the code's uid is not; in a user namespace the code owns it.
    const remounted = (a: string[]) => a.flatMap((arg, i) => (arg === '--remount-ro' ? [a[i + 1]] : []));
    expect(remounted(args)).toEqual(['/']);
    expect(remounted(buildBwrapArgs({ ...base, identity: 'userns', tmpBytes: 4096 }))).toEqual(['/dev', '/']);
  });

  it('passes the environment only as --setenv pairs after --clearenv, and names the seccomp and info descriptors', () => {
    const args = buildBwrapArgs(base);

    expect(pairs(args, '--setenv')).toEqual([['PATH', '/usr/bin'], ['SECRET', 's3cret']]);
    expect(args.indexOf('--setenv')).toBeGreaterThan(args.indexOf('--clearenv'));
    expect(args.slice(args.indexOf('--seccomp'), args.indexOf('--seccomp') + 2)).toEqual(['--seccomp', '5']);
    expect(args.slice(args.indexOf('--info-fd'), args.indexOf('--info-fd') + 2)).toEqual(['--info-fd', '4']);
  });
});

describe('the command chain inside', () => {
  it('is only bash when nothing else is needed', () => {
    expect(buildInnerCommand({ command: 'make' })).toEqual(['/bin/bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', 'make']);
  });

  it('drops to the sandbox uid first, applies fallback rlimits, then starts the relay', () => {
    const argv = buildInnerCommand({
      command: 'npm ci',
      drop: { uid: 1879048200, gid: 1879048200, setpriv: '/usr/bin/setpriv' },
      rlimits: { prlimit: '/usr/bin/prlimit', dataBytes: 1000, nproc: 50 },
      relay: { socat: '/usr/bin/socat' },
    });

    expect(argv.slice(0, 9)).toEqual(['/usr/bin/setpriv', '--reuid=1879048200', '--regid=1879048200', '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--', '/usr/bin/prlimit']);
    expect(argv.slice(9, 12)).toEqual(['--data=1000', '--nproc=50', '--']);
    expect(argv.slice(12, 16)).toEqual(['/bin/bash', '--noprofile', '--norc', '-c']);
    expect(argv.at(-2)).toBe('fleetmod-relay');
    expect(argv.at(-1)).toBe('npm ci');
    expect(relayScript('/usr/bin/socat')).toContain("'/usr/bin/socat' TCP-LISTEN:3128,bind=127.0.0.1");
    expect(relayScript('/usr/bin/socat')).toContain('*:0C38');
  });

  it('never uses RLIMIT_AS (it breaks WebAssembly in Node)', () => {
    const argv = buildInnerCommand({ command: 'x', rlimits: { prlimit: '/usr/bin/prlimit', dataBytes: 1 } });
    expect(argv.join(' ')).not.toMatch(/--as=/);
  });
});
