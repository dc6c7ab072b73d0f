/**
 * Connects to the first of the allowed addresses that answers, trying them in order, as curl and npm do on a direct
 * connection: a name whose first address cannot be reached (an IPv6 route the host does not have, one server of
 * several down) still works through the proxy.
 *
 * The whole attempt has one budget, as curl's --connect-timeout is one limit for all of a name's addresses: a name
 * with eight silent addresses answers with a 502 after the budget, not after eight timeouts. Each attempt gets an
 * equal share of what remains among the addresses left, so every address gets at least its share of the whole, an
 * address that fails at once (refused, no route) leaves its time to the later ones, and the last gets all that is
 * left. No attempt is shorter than `minAttemptMs`: a try shorter than TCP's first SYN retransmission (1 s) fails on
 * a single lost packet, so slicing thinner would trade real chances at the resolver's preferred addresses for token
 * tries at the last ones. When less than that remains after a try, the addresses left are not tried, and the log
 * says which.
 */
import net from 'node:net';
import type { AllowedAddress } from './decide.js';

export interface ConnectFirstOptions {
  addresses: readonly AllowedAddress[];
  port: number;
  /** How long reaching the name may take in all, over every address tried. */
  budgetMs: number;
  /** The shortest attempt worth making (capped at the budget). */
  minAttemptMs: number;
  /** Sees every socket made, so the proxy can destroy them when it closes. */
  track: (socket: net.Socket) => void;
  /** True once the connection is no longer wanted (the sandbox's side closed): no further attempt is made. */
  abandoned: () => boolean;
  /** Hears of each address that could not be reached, for the log. */
  unreachable?: (address: string, reason: string) => void;
  /** Hears of the addresses left untried because the budget was spent, for the log. */
  skipped?: (addresses: readonly string[]) => void;
  /** The clock the budget is kept on. @default Date.now */
  now?: () => number;
}

export async function connectFirst(options: ConnectFirstOptions): Promise<net.Socket> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.budgetMs;
  const minAttemptMs = Math.min(options.minAttemptMs, options.budgetMs);
  const failures: string[] = [];
  for (const [index, { address, family }] of options.addresses.entries()) {
    if (options.abandoned()) break;
    const remainingMs = deadline - now();
    // The first address is always tried: a millisecond gone before it (a busy event loop) must not skip them all
    // when the budget is no longer than one attempt.
    if (index > 0 && remainingMs < minAttemptMs) {
      const untried = options.addresses.slice(index).map((left) => left.address);
      options.skipped?.(untried);
      failures.push(`not tried, the ${options.budgetMs} ms connect budget being spent: ${untried.join(', ')}`);
      break;
    }
    const timeoutMs = attemptTimeoutMs(Math.max(remainingMs, 1), options.addresses.length - index, minAttemptMs);
    try {
      return await connectOne(address, family, options.port, timeoutMs, options.track);
    } catch (err) {
      failures.push(`${address}: ${(err as Error).message}`);
      options.unreachable?.(address, (err as Error).message);
    }
  }
  throw new Error(failures.length > 0 ? failures.join('; ') : 'the connection was abandoned');
}

/** An equal share of what remains among the addresses left, but no less than `minAttemptMs` (nor more than remains). */
export function attemptTimeoutMs(remainingMs: number, addressesLeft: number, minAttemptMs: number): number {
  return Math.ceil(Math.min(remainingMs, Math.max(remainingMs / addressesLeft, minAttemptMs)));
}

function connectOne(address: string, family: 4 | 6, port: number, timeoutMs: number, track: (socket: net.Socket) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port, family, timeout: timeoutMs });
    track(socket);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', fail);
      resolve(socket);
    });
    socket.once('timeout', () => fail(new Error(`connect timeout after ${timeoutMs} ms`)));
    socket.once('error', fail);
  });
}
