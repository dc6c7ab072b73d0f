/** Decides whether a failed git command is worth retrying, from what git printed. */
import type { ErrorClass } from '../domain/errors.js';

const TRANSIENT = [
  /could not resolve host/i,
  /connection (refused|reset|timed out)/i,
  /operation timed out/i,
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
  /git was killed by a signal/i,
];

export function classifyGitError(stderr: string): ErrorClass {
  return TRANSIENT.some((re) => re.test(stderr)) ? 'transient' : 'permanent';
}
