/**
 * The program bwrap starts inside the sandbox: a short chain of exec's that ends in `bash -c <step>`. Each link is
 * there only when needed, so a plain exec is just bash:
 *   setpriv  (drop mode) switch to the sandbox's own uid, drop every capability and the bounding set, no_new_privs
 *   prlimit  (no cgroups) RLIMIT_DATA / RLIMIT_NPROC as the fallback memory and process limits (never RLIMIT_AS)
 *   relay    (network opt-in) socat listening on 127.0.0.1:3128 inside, forwarding to the host proxy's socket
 */
import { SANDBOX_NET } from './args.js';

export const PROXY_PORT = 3128;
export const PROXY_SOCKET_NAME = 'proxy.sock';

export interface InnerCommandInput {
  command: string;
  /** Drop mode: the uid/gid to switch to, and setpriv's path. */
  drop?: { uid: number; gid: number; setpriv: string };
  /** Fallback limits when no cgroup enforces them. */
  rlimits?: { prlimit: string; dataBytes?: number; nproc?: number };
  /** Network opt-in: socat's path. */
  relay?: { socat: string };
}

const BASH = ['/bin/bash', '--noprofile', '--norc'];

/**
 * Starts the relay, waits until it listens (reading /proc/net/tcp with shell builtins instead of connecting, so the
 * proxy never sees a probe), then replaces itself with the step's shell. When the step's shell exits, the
 * sandbox's init exits and the kernel kills the relay with everything else in the pid namespace.
 */
export function relayScript(socat: string): string {
  const portHex = PROXY_PORT.toString(16).toUpperCase().padStart(4, '0');
  return [
    `${shellQuote(socat)} TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${SANDBOX_NET}/${PROXY_SOCKET_NAME} </dev/null >/dev/null 2>&1 &`,
    'exec 9<> <(:)',
    'for _ in {1..400}; do',
    `  while read -r _ local _ state _; do [[ "$state" == 0A && "$local" == *:${portHex} ]] && break 2; done < /proc/net/tcp`,
    '  read -rt 0.005 -u 9 || true',
    'done',
    'exec 9<&-',
    `exec ${BASH.join(' ')} -eo pipefail -c "$1"`,
  ].join('\n');
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

export function buildInnerCommand(input: InnerCommandInput): string[] {
  const argv: string[] = [];
  if (input.drop) {
    const { uid, gid, setpriv } = input.drop;
    argv.push(setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--');
  }
  if (input.rlimits && (input.rlimits.dataBytes !== undefined || input.rlimits.nproc !== undefined)) {
    argv.push(input.rlimits.prlimit);
    if (input.rlimits.dataBytes !== undefined) argv.push(`--data=${input.rlimits.dataBytes}`);
    if (input.rlimits.nproc !== undefined) argv.push(`--nproc=${input.rlimits.nproc}`);
    argv.push('--');
  }
  if (input.relay) {
    argv.push(...BASH, '-c', relayScript(input.relay.socat), 'fleetmod-relay', input.command);
  } else {
    argv.push(...BASH, '-eo', 'pipefail', '-c', input.command);
  }
  return argv;
}
