/**
 * The forge's record of every API request (arrival time, method, route, answer) and every push, so tests can
 * prove what fleetmod did on the wire: the one-second spacing of writes, the budget, the pauses after a refusal.
 * Times are milliseconds on the same monotonic clock fleetmod's pacing uses.
 */
export interface ApiCall {
  /** When the request arrived. */
  at: number;
  method: string;
  /** Path without the /api/v3 prefix, e.g. /repos/acme/a/pulls. */
  path: string;
  /** The OpenAPI operation it matched, e.g. "POST /repos/{owner}/{repo}/pulls", or null. */
  operation: string | null;
  status: number;
  /** How long the forge took to answer, in ms. */
  ms: number;
  /** A mutating request (not GET/HEAD, not token minting): what the write spacing and budget are about. */
  write: boolean;
  /** Set when a fault answered instead of the fake. */
  fault?: string;
  /** For 403/429 refusals: the retry-after the forge sent, in seconds. */
  retryAfter?: number;
}

export function forgeNow(): number {
  return performance.timeOrigin + performance.now();
}

export class Monitor {
  readonly calls: ApiCall[] = [];
  /** Problems found in requests (OpenAPI violations, unknown routes); a test expects none. */
  readonly violations: string[] = [];

  /** Every call in order of arrival (calls are recorded when answered). */
  byArrival(): ApiCall[] {
    return [...this.calls].sort((a, b) => a.at - b.at);
  }

  writes(): ApiCall[] {
    return this.byArrival().filter((c) => c.write);
  }

  /** Smallest gap between the arrivals of two consecutive writes, in ms (Infinity with fewer than two). */
  minWriteGap(): number {
    const at = this.writes().map((c) => c.at);
    let min = Infinity;
    for (let i = 1; i < at.length; i += 1) min = Math.min(min, (at[i] as number) - (at[i - 1] as number));
    return min;
  }

  /** Most writes that arrived within any window of `windowMs`. */
  maxWritesWithin(windowMs: number): number {
    const at = this.writes().map((c) => c.at);
    let best = 0;
    let start = 0;
    for (let end = 0; end < at.length; end += 1) {
      while ((at[end] as number) - (at[start] as number) >= windowMs) start += 1;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }
}
