/** What a fake E2B can be told: plan limits, latency, versions, and faults to inject. */

export interface FakeE2bOptions {
  /** The only API key the control plane accepts. @default "e2b_test_key" */
  apiKey?: string;
  /** envd version every sandbox reports; drives the SDK's feature gates (§5). @default "0.6.4" */
  envdVersion?: string;
  /** Whether create returns an envd access token (then envd checks it). @default true */
  accessToken?: boolean;
  /** Delay before a create is answered (cold start). @default 0 */
  startLatencyMs?: number;
  /** Running sandboxes allowed at once; beyond it create answers the real 429. @default unlimited */
  maxConcurrent?: number;
  /**
   * Sandbox creations allowed per rolling window; beyond it create answers 429. `graceMs` shortens the window by
   * that much, allowing for latency variance between a client's pacing and the edge (0: strict).
   */
  creationRate?: { count: number; perMs: number; graceMs?: number };
  /** Lifetime when create sends no `timeout`. @default 300 */
  defaultTimeoutSeconds?: number;
  /** Reported in info and list. @default 2 / 512 */
  cpuCount?: number;
  memoryMB?: number;
  /** Overrides the client's Keepalive-Ping-Interval (tests cannot wait 50 s). */
  keepaliveIntervalMs?: number;
}

/** `timeout`: the control plane's `POST /sandboxes/{id}/timeout` (the SDK's setTimeout); `respond` only. */
export type FaultTarget = 'create' | 'kill' | 'list' | 'timeout' | 'command' | 'upload' | 'download';

export type FaultAction =
  /** Answer with this status and body instead of doing the work. */
  | { respond: number; body?: unknown; headers?: Record<string, string> }
  /** Cut the connection (for `command`: after the start event and `afterMs`). */
  | 'drop'
  /** Let the sandbox reach its end of life (for `command`: after `afterMs` of the process running). */
  | 'expire'
  /**
   * Take the request and never answer it (an upload's body is not even read): a hung connection, an overloaded
   * envd. For `upload` and `create`; the connection is cut when the fake closes.
   */
  | 'stall'
  /** Do the work, then cut the connection instead of answering: the sandbox exists, its id never arrives. For `create`. */
  | 'lose-answer';

export interface Fault {
  on: FaultTarget;
  action: FaultAction;
  /** Only requests whose command line (or file path) matches. */
  match?: RegExp;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
  afterMs?: number;
}

export const CONCURRENCY_LIMIT_MESSAGE = (limit: number) =>
  `you have reached the maximum number of concurrent E2B sandboxes (${limit}). If you need more, please visit 'https://e2b.dev/docs/billing'`;

/** The real text of the creation-rate 429 is not documented; this one names the limit the same way. */
export const CREATION_RATE_MESSAGE = (count: number, perMs: number) =>
  `you have reached the maximum sandbox creation rate (${count} per ${perMs / 1000}s). Please slow down or visit 'https://e2b.dev/docs/billing'`;
