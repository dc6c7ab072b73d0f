/**
 * Connects to the first of the allowed addresses that answers, trying them in order, as curl and npm do on a direct
 * connection: a name whose first address cannot be reached (an IPv6 route the host does not have, one server of
 * several down) still works through the proxy. Each attempt has its own timeout.
 */
import net from 'node:net';
import type { AllowedAddress } from './decide.js';

export interface ConnectFirstOptions {
  addresses: readonly AllowedAddress[];
  port: number;
  timeoutMs: number;
  /** Sees every socket made, so the proxy can destroy them when it closes. */
  track: (socket: net.Socket) => void;
  /** True once the connection is no longer wanted (the sandbox's side closed): no further attempt is made. */
  abandoned: () => boolean;
  /** Hears of each address that could not be reached, for the log. */
  unreachable?: (address: string, reason: string) => void;
}

export async function connectFirst(options: ConnectFirstOptions): Promise<net.Socket> {
  const failures: string[] = [];
  for (const { address, family } of options.addresses) {
    if (options.abandoned()) break;
    try {
      return await connectOne(address, family, options);
    } catch (err) {
      failures.push(`${address}: ${(err as Error).message}`);
      options.unreachable?.(address, (err as Error).message);
    }
  }
  throw new Error(failures.length > 0 ? failures.join('; ') : 'the connection was abandoned');
}

function connectOne(address: string, family: 4 | 6, options: ConnectFirstOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port: options.port, family, timeout: options.timeoutMs });
    options.track(socket);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', fail);
      resolve(socket);
    });
    socket.once('timeout', () => fail(new Error('connect timeout')));
    socket.once('error', fail);
  });
}
