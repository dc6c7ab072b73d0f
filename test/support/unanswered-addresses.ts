/**
 * Loopback addresses where a TCP connection is never answered, as behind a broken route or a server that is down
 * without refusing: a connect to them waits until its timeout, not failing at once as a closed port does.
 *
 * A listener in a worker thread that never accepts (its thread waits on a lock) fills its accept queue with a few
 * connections; the kernel then drops every further SYN, so a new connect stays pending. Nothing is routed off the
 * machine and no privilege is needed.
 */
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { onTestFinished } from 'vitest';

const LISTENER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
(async () => {
  let port = workerData.port;
  for (const host of workerData.hosts) {
    const server = net.createServer();
    await new Promise((resolve) => server.listen({ host, port, backlog: 1 }, resolve));
    port = server.address().port;
  }
  parentPort.postMessage(port);
  // Blocks this thread, so nothing is ever accepted, until the test is over.
  Atomics.wait(new Int32Array(workerData.release), 0, 0);
})();
`;

/**
 * Listens on `hosts` (loopback addresses, e.g. 127.0.0.2) at one port that never answers — `port` if given (one a server
 * on another address uses), else a free one; gone when the test ends.
 */
export async function unansweredAddresses(hosts: readonly string[], port = 0): Promise<{ port: number }> {
  const release = new SharedArrayBuffer(4);
  const worker = new Worker(LISTENER, { eval: true, workerData: { hosts, port, release } });
  const fillers: net.Socket[] = [];
  onTestFinished(async () => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(new Int32Array(release), 0, 1);
    Atomics.notify(new Int32Array(release), 0);
    await worker.terminate();
  });
  const listening = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  for (const host of hosts) await fillAcceptQueue(host, listening, fillers);
  return { port: listening };
}

/** Connects until a connect stays pending: from then on the kernel drops SYNs to this address. */
async function fillAcceptQueue(host: string, port: number, fillers: net.Socket[]): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const socket = net.connect({ host, port });
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      setTimeout(() => resolve(false), 50);
    });
    if (!connected) return void socket.destroy();
  }
  throw new Error(`${host}:${port} kept accepting connections; it cannot stand for an unanswered address`);
}
