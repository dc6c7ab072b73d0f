/**
 * How host git is run. The repository's own `.git/config` and hooks were never writable by sandboxed code, but
 * host git is still run with every code-executing setting pinned, so that a repository (or a future bug that lets
 * the sandbox write into `.git`) cannot make the host run a program.
 */

/** `-c` settings passed to every host git command. */
export const SAFE_GIT_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  'core.pager=cat',
  'core.editor=true',
  'core.autocrlf=false',
  'core.symlinks=true',
  'diff.external=',
  'protocol.ext.allow=never',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
  // What a change contains follows the repository's own .gitignore, never the machine's: no user's or sandbox
  // home's excludes file (git reads ~/.config/git/ignore even when no global config is set).
  'core.excludesFile=/dev/null',
  // A nested repository the sandbox made is never entered: recursing into it (a user's submodule.recurse = true)
  // would run git there with that repository's own config — core.sshCommand, remote.*.receivepack — on the host.
  'submodule.recurse=false',
  'push.recurseSubmodules=no',
  'fetch.recurseSubmodules=false',
];

/**
 * Git variables host git may inherit from the user's shell: TLS and proxy settings and which config files to
 * read. Every other GIT_* variable (GIT_DIR, GIT_SSH_COMMAND, GIT_EXTERNAL_DIFF, GIT_CONFIG_PARAMETERS…) is
 * dropped, because it could redirect or run something.
 */
const KEPT_GIT_ENV = /^(GIT_SSL_CAINFO|GIT_SSL_CAPATH|GIT_SSL_CERT|GIT_SSL_KEY|GIT_SSL_VERSION|GIT_SSL_CIPHER_LIST|GIT_HTTP_LOW_SPEED_LIMIT|GIT_HTTP_LOW_SPEED_TIME|GIT_HTTP_MAX_REQUESTS|GIT_HTTP_PROXY_AUTHMETHOD|GIT_CONFIG_GLOBAL|GIT_CONFIG_NOSYSTEM|GIT_CONFIG_SYSTEM|GIT_PROTOCOL_FROM_USER)$/;

/** How long one host git call may take before it is stopped (five minutes). */
export const GIT_TIMEOUT_MS = 300_000;

/** The environment host git runs with: the caller's, minus git overrides, plus non-interactive settings. */
export function safeGitEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || (key.startsWith('GIT_') && !KEPT_GIT_ENV.test(key))) continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_ASKPASS = '';
  env.SSH_ASKPASS = '';
  env.GCM_INTERACTIVE = 'never';
  env.LC_ALL = 'C';
  // A transfer that has stalled (under a byte a second for as long as the git timeout) ends in git's
  // HTTP helper itself. Only the helper holds the connection, and only its end ends a call whose git was stopped
  // by the timeout; the user's own settings, when set, stay.
  env.GIT_HTTP_LOW_SPEED_LIMIT ??= '1';
  env.GIT_HTTP_LOW_SPEED_TIME ??= String(GIT_TIMEOUT_MS / 1_000);
  return env;
}
