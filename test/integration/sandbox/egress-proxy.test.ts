import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllowList } from '../../../src/sandbox/shared/network/allow-list.js';
import { startEgressProxy } from '../../../src/sandbox/shared/network/egress-proxy.js';
import { tempDir } from '../../support/temp.js';

/** A host server that answers the headers at once and the rest of the body only after `pauseMs` of silence. */
async function pausingServer(pauseMs: number): Promise<number> {
  const server = http.createServer((_req, res) => {
    res.write('first part\n');
    setTimeout(() => res.end('after the pause\n'), pauseMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A plain-HTTP GET through the proxy's socket, as a tool in the sandbox sends it: the status and the whole body. */
function getThroughProxy(socketPath: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, headers: { host: new URL(url).host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the egress proxy (real sockets, a server on 127.0.0.1)', () => {
  // The connect timeout bounds reaching the server; a download that pauses longer once connected is the server's
  // business, as it is through a CONNECT tunnel.
  it('lets a plain-HTTP response pause for longer than the connect timeout once connected', async () => {
    const port = await pausingServer(600);
    const socketPath = path.join(await tempDir('fleetmod-proxy-'), 'proxy.sock');
    const proxy = await startEgressProxy({ socketPath, allowList: parseAllowList([`127.0.0.1:${port}`]), log: () => undefined, connectTimeoutMs: 200 });
    onTestFinished(() => proxy.close());

    const answer = await getThroughProxy(socketPath, `http://127.0.0.1:${port}/artifact.tgz`);

    expect(answer).toEqual({ status: 200, body: 'first part\nafter the pause\n' });
  });

  it('ends the connection to the server when the sandbox gives up on a paused response', async () => {
    let serverSideClosed = false;
    const server = http.createServer((req, res) => {
      res.write('first part\n');
      req.socket.on('close', () => (serverSideClosed = true));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    const socketPath = path.join(await tempDir('fleetmod-proxy-'), 'proxy.sock');
    const proxy = await startEgressProxy({ socketPath, allowList: parseAllowList([`127.0.0.1:${port}`]), log: () => undefined, connectTimeoutMs: 200 });
    onTestFinished(() => proxy.close());

    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath, path: `http://127.0.0.1:${port}/stream`, headers: { host: `127.0.0.1:${port}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end();
    });
    for (let i = 0; i < 100 && !serverSideClosed; i += 1) await new Promise((r) => setTimeout(r, 20));

    expect(serverSideClosed).toBe(true);
  });
});
