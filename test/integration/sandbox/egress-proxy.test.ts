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

describe('the egress proxy and a name with several addresses', () => {
  /** A name that resolves first to an address where nothing listens (a broken route, a server down), then to the server. */
  async function proxyForName(port: number, log: string[]) {
    const socketPath = path.join(await tempDir('fleetmod-proxy-'), 'proxy.sock');
    const proxy = await startEgressProxy({
      socketPath,
      allowList: parseAllowList([`mirror.example:${port}`, `127.0.0.2:${port}`, `127.0.0.1:${port}`]),
      resolve: async () => [
        { address: '127.0.0.2', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
      log: (line) => log.push(line),
      connectTimeoutMs: 2_000,
    });
    onTestFinished(() => proxy.close());
    return socketPath;
  }

  async function answeringServer(): Promise<number> {
    const server = http.createServer((_req, res) => res.end('from the second address\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as AddressInfo).port;
  }

  it('goes on to the next allowed address for plain HTTP when the first cannot be reached', async () => {
    const port = await answeringServer();
    const log: string[] = [];
    const socketPath = await proxyForName(port, log);

    const answer = await getThroughProxy(socketPath, `http://mirror.example:${port}/`);

    expect(answer).toEqual({ status: 200, body: 'from the second address\n' });
    expect(log.join('\n')).toMatch(/could not reach 127\.0\.0\.2 \(connect ECONNREFUSED 127\.0\.0\.2:\d+\); trying the next address/);
  });

  it('goes on to the next allowed address for a CONNECT tunnel when the first cannot be reached', async () => {
    const port = await answeringServer();
    const socketPath = await proxyForName(port, []);

    const tunnel = await new Promise<{ status: number; socket: import('node:net').Socket }>((resolve, reject) => {
      const req = http.request({ socketPath, method: 'CONNECT', path: `mirror.example:${port}` });
      req.once('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.once('error', reject);
      req.end();
    });
    onTestFinished(() => void tunnel.socket.destroy());
    const body = await new Promise<string>((resolve) => {
      let text = '';
      tunnel.socket.setEncoding('utf8');
      tunnel.socket.on('data', (chunk: string) => (text += chunk));
      tunnel.socket.once('end', () => resolve(text));
      tunnel.socket.write(`GET / HTTP/1.1\r\nHost: mirror.example:${port}\r\nConnection: close\r\n\r\n`);
    });

    expect(tunnel.status).toBe(200);
    expect(body).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*from the second address\n$/);
  });
});

describe('the egress proxy and a CONNECT tunnel whose server breaks the connection', () => {
  // A reset is no end of stream: without passing it on, the sandbox's side of the tunnel stays open, and a tool
  // waiting for the rest of a download waits for the step's timeout.
  it('ends the sandbox\'s side of the tunnel when the server resets the connection', async () => {
    const net = await import('node:net');
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write('partial answer');
        setTimeout(() => socket.resetAndDestroy(), 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const socketPath = path.join(await tempDir('fleetmod-proxy-'), 'proxy.sock');
    const proxy = await startEgressProxy({ socketPath, allowList: parseAllowList([`127.0.0.1:${port}`]), log: () => undefined, connectTimeoutMs: 2_000 });
    onTestFinished(() => proxy.close());

    const tunnel = await new Promise<import('node:net').Socket>((resolve, reject) => {
      const req = http.request({ socketPath, method: 'CONNECT', path: `127.0.0.1:${port}` });
      req.once('connect', (_res, socket) => resolve(socket));
      req.once('error', reject);
      req.end();
    });
    onTestFinished(() => void tunnel.destroy());
    tunnel.on('error', () => undefined);
    const closed = new Promise<boolean>((resolve) => {
      tunnel.once('end', () => resolve(true));
      tunnel.once('close', () => resolve(true));
      tunnel.resume();
      setTimeout(() => resolve(false), 3_000);
    });
    tunnel.write('GET / HTTP/1.1\r\n\r\n');

    expect(await closed).toBe(true);
  });
});
