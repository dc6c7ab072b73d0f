/** Decides whether a failed git command is worth retrying, from what git printed. */
import type { ErrorClass } from '../domain/errors.js';

/** What a host git error says when git died by a signal (host-git.ts) — a timeout's kill, or a Ctrl-C's. */
const KILLED_BY_SIGNAL = /git was killed by a signal/i;

const TRANSIENT = [
  /could not resolve host/i,
  /connection (refused|reset|timed out)/i,
  /operation timed out/i,
  /operation too slow/i,
  /the remote end hung up/i,
  /early eof/i,
  /rpc failed/i,
  /unexpected disconnect/i,
  /returned error: 5\d\d/i,
  /returned error: 429/i,
  /http[/ ]2 stream \d+ was not closed cleanly/i,
  /gnutls_handshake\(\) failed/i,
  /ssl_read|ssl_connect/i,
  /unable to access .*: (failed|recv|send)/i,
  /index-pack failed/i,
  /cannot lock ref/i,
  /unable to create '.*\.lock'/i,
  /temporary failure/i,
  /network is unreachable/i,
  KILLED_BY_SIGNAL,
];

export function classifyGitError(stderr: string): ErrorClass {
  return TRANSIENT.some((re) => re.test(stderr)) ? 'transient' : 'permanent';
}

export function gitDiedBySignal(message: string): boolean {
  return KILLED_BY_SIGNAL.test(message);
}
