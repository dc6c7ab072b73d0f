/**
 * Connect protocol v1 with the JSON codec, as envd speaks it (e2b-protocol.md §4): unary calls are plain JSON,
 * server streams are 5-byte envelopes (flags, big-endian length) ending with one end-stream envelope.
 */
import type { ServerResponse } from 'node:http';

export const FLAG_MESSAGE = 0x00;
export const FLAG_END_STREAM = 0x02;

export type ConnectCode =
  | 'canceled' | 'unknown' | 'invalid_argument' | 'deadline_exceeded' | 'not_found' | 'already_exists'
  | 'permission_denied' | 'resource_exhausted' | 'failed_precondition' | 'aborted' | 'out_of_range'
  | 'unimplemented' | 'internal' | 'unavailable' | 'data_loss' | 'unauthenticated';

export function envelope(flags: number, payload: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(json.length, 1);
  return Buffer.concat([head, json]);
}

/** The first enveloped message of a streaming request body. */
export function parseFirstEnvelope(body: Buffer): unknown {
  if (body.length < 5) throw new Error('request body is not an enveloped message');
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) throw new Error('truncated envelope');
  return JSON.parse(body.subarray(5, 5 + length).toString('utf8'));
}

/** Unary error: non-200 with a JSON body whose string `code` the client maps to an error class. */
export function sendUnaryError(res: ServerResponse, code: ConnectCode, message: string): void {
  const status = UNARY_STATUS[code] ?? 500;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message }));
}

export function sendUnary(res: ServerResponse, message: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(message));
}

const UNARY_STATUS: Partial<Record<ConnectCode, number>> = {
  canceled: 499,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  unauthenticated: 401,
};
