/** Small HTTP servers on the host that count who connected, to prove a sandbox could (or could not) reach them. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface CountingServer {
  host: string;
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: () => number;
}

export async function countingServer(host = '127.0.0.1', body = 'hello from the host\n'): Promise<CountingServer> {
  let connections = 0;
  const server = http.createServer((_req, res) => res.end(body));
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { host, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, connections: () => connections };
}
