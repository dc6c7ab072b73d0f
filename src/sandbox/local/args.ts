/**
 * The bubblewrap options, built as a pure function so they can be unit-tested without spawning. See
 * ../shared/reference/local-sandbox.md §2 for why each flag is there. The options are handed to bwrap through
 * `--args FD`, so environment values (which may include secrets) never appear in the host's process list; only
 * the command itself goes on bwrap's argv (bwrap requires that).
 */

/** Host /etc entries a toolchain needs; everything else in /etc (shadow, ssh, npmrc, the host's gitconfig…) stays invisible. */
export const ETC_ALLOW_LIST = [
  'alternatives', 'ssl', 'ca-certificates', 'ca-certificates.conf', 'pki', 'crypto-policies', 'ld.so.cache',
  'ld.so.conf', 'ld.so.conf.d', 'localtime', 'timezone', 'host.conf', 'gai.conf', 'protocols',
  'services', 'mime.types', 'os-release', 'terminfo', 'magic', 'inputrc', 'bash.bashrc', 'profile',
] as const;

/**
 * The sandbox's own nsswitch.conf instead of the host's: users and groups come from the files fleetmod writes for
 * each sandbox, and nothing else. The host's modules (systemd, sss, ldap, mdns) have nothing to talk to inside;
 * loading them cost every program that looks up a user (setpriv, the first program of each command, among them)
 * three more libraries.
 */
export const SANDBOX_NSSWITCH = 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\nethers: files\nrpc: files\n';

/** Files of /etc each sandbox gets its own of (see identityFiles), bound over the shared copy. */
export const PER_SANDBOX_ETC_FILES = ['passwd', 'group'] as const;

/** The sandbox's host name (`hostname`, `os.hostname()`), which its /etc/hosts names as loopback. */
export const SANDBOX_HOSTNAME = 'sandbox';

/** The sandbox's /etc/hosts, the same in every sandbox (written once into the shared /etc copy). */
export const SANDBOX_HOSTS = `127.0.0.1\tlocalhost ${SANDBOX_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;

/**
 * Destinations that are the sandbox itself, which tools reach directly rather than through the egress proxy (the
 * network opt-in's NO_PROXY): a test suite's own servers, also by the sandbox's host name or by 0.0.0.0, the address
 * a server listening everywhere prints. The proxy would refuse them, or resolve the host name on the host.
 */
export const SANDBOX_OWN_DESTINATIONS = ['localhost', SANDBOX_HOSTNAME, '127.0.0.1', '::1', '0.0.0.0'] as const;

/**
 * The sandbox's /etc/gitconfig, git's system-level configuration there (GIT_CONFIG_SYSTEM): an identity for commits
 * made inside and `safe.directory` for a checkout owned by another uid. The host's own /etc/gitconfig is never
 * copied. It is in the shared /etc copy rather than bound into each sandbox's home, one mount less per command,
 * and a step may still add a `git config --global` of its own (home is the sandbox's tmpfs).
 */
export const SANDBOX_GITCONFIG =
  '[user]\n\tname = fleetmod sandbox\n\temail = sandbox@fleetmod.invalid\n[safe]\n\tdirectory = *\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n';

export const SANDBOX_HOME = '/home/sandbox';
export const SANDBOX_WORKSPACE = '/workspace';
export const SANDBOX_FILES = '/fleetmod/files';
/** Where the egress proxy's UNIX socket appears inside (network opt-in only). */
export const SANDBOX_NET = '/fleetmod/net';
/** The uid/gid sandboxed code has inside when bwrap makes a user namespace (fleetmod not run as root). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

export interface BwrapFeatures {
  /** bwrap ≥ 0.8 non-setuid: `--disable-userns`. */
  disableUserns: boolean;
  /** `--size` for tmpfs. */
  tmpfsSize: boolean;
  /** `--perms` before `--tmpfs`. */
  tmpfsPerms: boolean;
}

/**
 * How sandboxed code gets its identity.
 * - `userns`: bwrap makes a user namespace; code runs as uid 1000 inside, which is fleetmod's own uid outside.
 * - `drop`: fleetmod runs as root. bwrap runs privileged WITHOUT a user namespace (so it can reach checkouts in
 *   private folders), keeps only the capabilities needed to switch user, and setpriv (the first program inside)
 *   switches to a dedicated unprivileged uid and drops every capability and the bounding set for good. Files the
 *   code writes belong to that uid, never to root; seccomp blocks new user namespaces instead of --disable-userns.
 */
export type IdentityMode = 'userns' | 'drop';

export interface BwrapArgsInput {
  /** Host checkout, bound read-write at /workspace. */
  workspace: string;
  /** Whether the checkout has a .git directory (bound read-only over itself). */
  hasGitDir: boolean;
  /** Host directory holding this sandbox's passwd and group (identityFiles). */
  configDir: string;
  /** Host directory bound read-only as /etc: the allow-listed copy (sandbox-etc.ts). */
  etcDir: string;
  /** Host directory with the step files, bound read-only at /fleetmod/files. */
  filesDir?: string;
  /** Host directory holding the egress proxy socket, bound read-only at /fleetmod/net. */
  netDir?: string;
  identity: IdentityMode;
  tmpBytes: number;
  features: BwrapFeatures;
  env: Readonly<Record<string, string>>;
  /** Working directory inside, absolute. */
  cwd: string;
  /** Descriptor numbers, as the child will see them. */
  infoFd?: number;
  seccompFd?: number;
}

export function buildBwrapArgs(input: BwrapArgsInput): string[] {
  const args: string[] = ['--die-with-parent', '--new-session'];
  if (input.identity === 'userns') {
    args.push('--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID));
  }
  args.push(
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    // Always: the network opt-in goes through the proxy socket, never through the host's network namespace.
    '--unshare-net',
    '--hostname', SANDBOX_HOSTNAME,
  );
  if (input.identity === 'userns' && input.features.disableUserns) args.push('--disable-userns');
  args.push('--cap-drop', 'ALL');
  // Kept only until setpriv, the first program inside, switches uid and drops them with the bounding set:
  // SETUID/SETGID/SETPCAP to do that, DAC_READ_SEARCH so bwrap can enter a working directory that only the
  // sandbox's uid may search (a checkout in a 0700 folder).
  if (input.identity === 'drop') {
    for (const cap of ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_DAC_READ_SEARCH']) args.push('--cap-add', cap);
  }

  args.push('--ro-bind', '/usr', '/usr');
  for (const [link, target] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64']]) {
    args.push('--symlink', target as string, link as string);
  }
  // One bind for all of /etc (the allow-listed copy), then this sandbox's own passwd and group over it.
  args.push('--ro-bind', input.etcDir, '/etc');
  for (const name of PER_SANDBOX_ETC_FILES) args.push('--ro-bind', `${input.configDir}/${name}`, `/etc/${name}`);
  args.push('--proc', '/proc', '--dev', '/dev');

  const tmpfs = (dest: string, perms: string) => {
    if (input.features.tmpfsPerms) args.push('--perms', perms);
    if (input.features.tmpfsSize) args.push('--size', String(input.tmpBytes));
    args.push('--tmpfs', dest);
  };
  // Parents bwrap creates implicitly are mode 0700, which the sandbox's uid could not enter in drop mode.
  args.push('--dir', '/home', '--dir', '/fleetmod');
  tmpfs('/tmp', '1777');
  // bwrap's /dev is a tmpfs without a size cap (in a user namespace the sandbox owns it): only its /dev/shm takes
  // files (POSIX shared memory), capped like /tmp; /dev itself is made read-only below.
  tmpfs('/dev/shm', '1777');
  args.push('--dir', '/var', '--symlink', '../tmp', '/var/tmp');
  // In drop mode the tmpfs belongs to root and the code's uid is only known to setpriv, so home is world-writable;
  // nothing else lives in this sandbox to abuse that.
  tmpfs(SANDBOX_HOME, input.identity === 'drop' ? '0777' : '0755');

  args.push('--bind', input.workspace, SANDBOX_WORKSPACE);
  // The sandbox may read history but never write hooks, config or objects that the host's git would act on.
  if (input.hasGitDir) args.push('--ro-bind', `${input.workspace}/.git`, `${SANDBOX_WORKSPACE}/.git`);
  if (input.filesDir) args.push('--ro-bind', input.filesDir, SANDBOX_FILES);
  // Read-only: connecting to the proxy's socket needs no write access, and the folder is on the host's disk, where
  // anything written would count against neither sandbox.disk nor /tmp's size (and could replace the socket).
  if (input.netDir) args.push('--ro-bind', input.netDir, SANDBOX_NET);

  // In drop mode /dev belongs to root and the code's uid cannot write there already: one mount less per command.
  if (input.identity === 'userns') args.push('--remount-ro', '/dev');
  args.push('--remount-ro', '/', '--chdir', input.cwd, '--clearenv');
  for (const [key, value] of Object.entries(input.env)) args.push('--setenv', key, value);
  if (input.seccompFd !== undefined) args.push('--seccomp', String(input.seccompFd));
  if (input.infoFd !== undefined) args.push('--info-fd', String(input.infoFd));
  return args;
}

/** The environment every sandboxed command starts from, before job env and secrets. */
export function baseSandboxEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: SANDBOX_HOME,
    USER: 'sandbox',
    LOGNAME: 'sandbox',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    TMPDIR: '/tmp',
    // fleetmod's gitconfig in the sandbox's /etc (SANDBOX_GITCONFIG), wherever this git was built to look.
    GIT_CONFIG_SYSTEM: '/etc/gitconfig',
    FLEETMOD_SANDBOX: 'local',
    FLEETMOD_FILES: SANDBOX_FILES,
    CI: 'true',
  };
}

/**
 * passwd and group for inside, the only files a sandbox gets of its own: in drop mode each sandbox has a uid of its
 * own, and tools that look themselves up (`id`, `whoami`, ssh, git without an identity) need it listed.
 * `uid`/`gid` are the code's ids as seen inside.
 */
export function identityFiles(uid: number = SANDBOX_UID, gid: number = SANDBOX_GID): Record<(typeof PER_SANDBOX_ETC_FILES)[number], string> {
  return {
    passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${uid}:${gid}:fleetmod sandbox:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nsandbox:x:${gid}:\nnogroup:x:65534:\n`,
  };
}
