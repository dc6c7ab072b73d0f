/** Decides whether a failed git command is worth retrying, from what git printed. */
import type { ErrorClass } from '../domain/errors.js';

/** What a host git error says when git died by a signal (host-git.ts) — a timeout's kill, or a Ctrl-C's. */
const KILLED_BY_SIGNAL = /git was killed by a signal/i;

/**
 * Messages that look like a transient one but never heal: a ref-name conflict ("refs/heads/fleetmod" exists, so
 * "refs/heads/fleetmod/x" cannot) is reported as "cannot lock ref", like a lock held by a concurrent writer.
 * Checked first, so retrying with backoff does not spend the night on it.
 */
const PERMANENT = [
  /exists; cannot create '/i,
  /blocking reference '/i,
];

const TRANSIENT = [
  /could not resolve host/i,
  /connection (refused|reset|timed out)/i,
  /connection closed by remote host/i,
  /kex_exchange_identification/i,
  /operation timed out/i,
  /operation too slow/i,
  /the remote end hung up/i,
  /early eof/i,
  /rpc failed/i,
  /unexpected disconnect/i,
  /returned error: 5\d\d/i,
  /returned error: 429/i,
  /http[/ ]2 stream \d+ was (not closed cleanly|reset)/i,
  /gnutls_handshake\(\) failed/i,
  /ssl_read|ssl_connect/i,
  // curl's wording after "unable to access '<url>': " — the library name may come first ("GnuTLS recv error").
  /unable to access .*: (failed|recv|send)/i,
  /\b(recv|send) (error|failure)\b/i,
  /failure when receiving data from the peer/i,
  /failed sending data to the peer/i,
  // GitHub's answer to a push when its ref update fails on its side; the same push succeeds later.
  /fatal error in commit_refs/i,
  /index-pack failed/i,
  /cannot lock ref/i,
  /unable to create '.*\.lock'/i,
  /temporary failure/i,
  /network is unreachable/i,
  KILLED_BY_SIGNAL,
];

export function classifyGitError(stderr: string): ErrorClass {
  if (PERMANENT.some((re) => re.test(stderr))) return 'permanent';
  return TRANSIENT.some((re) => re.test(stderr)) ? 'transient' : 'permanent';
}

export function gitDiedBySignal(message: string): boolean {
  return KILLED_BY_SIGNAL.test(message);
}
