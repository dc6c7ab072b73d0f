import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllowList } from '../../../src/sandbox/shared/network/allow-list.js';
import { startEgressProxy } from '../../../src/sandbox/shared/network/egress-proxy.js';
import { tempDir } from '../../support/temp.js';
import { unansweredAddresses } from '../../support/unanswered-addresses.js';

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

describe('the egress proxy and a name whose addresses do not answer', () => {
  /** A proxy for `slow.example`, which resolves to `addresses` in that order, with a short connect budget. */
  async function proxyForSlowName(addresses: readonly string[], port: number, log: string[], budget: { connectTimeoutMs: number; minConnectAttemptMs: number }) {
    const socketPath = path.join(await tempDir('fleetmod-proxy-'), 'proxy.sock');
    const proxy = await startEgressProxy({
      socketPath,
      allowList: parseAllowList([`slow.example:${port}`, ...addresses.map((address) => `${address}:${port}`)]),
      resolve: async () => addresses.map((address) => ({ address, family: 4 as const })),
      log: (line) => log.push(line),
      ...budget,
    });
    onTestFinished(() => proxy.close());
    return socketPath;
  }

  // Each address with its own timeout made a name with eight silent addresses wait two minutes for its 502.
  it('answers 502 once the connect budget is spent, however many addresses are left, and logs those not tried', async () => {
    const silent = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
    const { port } = await unansweredAddresses(silent);
    const log: string[] = [];
    const socketPath = await proxyForSlowName(silent, port, log, { connectTimeoutMs: 600, minConnectAttemptMs: 200 });
    const started = Date.now();

    const answer = await getThroughProxy(socketPath, `http://slow.example:${port}/`);

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatch(/^127\.0\.0\.2: connect timeout after 200 ms; .*not tried, the 600 ms connect budget being spent: [\d., ]*127\.0\.0\.6\n$/);
    expect(log.join('\n')).toMatch(/could not reach 127\.0\.0\.2 \(connect timeout after 200 ms\)/);
    expect(log.join('\n')).toMatch(new RegExp(`not trying [\\d., ]*127\\.0\\.0\\.6 for slow\\.example:${port}: its 600 ms connect budget is spent$`, 'm'));
  });

  it('leaves the later addresses their share of the budget: the third answers after two silent ones', async () => {
    const server = http.createServer((_req, res) => res.end('from the third address\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    await unansweredAddresses(['127.0.0.2', '127.0.0.3'], port);
    const log: string[] = [];
    const socketPath = await proxyForSlowName(['127.0.0.2', '127.0.0.3', '127.0.0.1'], port, log, { connectTimeoutMs: 900, minConnectAttemptMs: 100 });
    const started = Date.now();

    const tunnel = await new Promise<{ status: number; socket: import('node:net').Socket }>((resolve, reject) => {
      const req = http.request({ socketPath, method: 'CONNECT', path: `slow.example:${port}` });
      req.once('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.once('error', reject);
      req.end();
    });
    onTestFinished(() => void tunnel.socket.destroy());

    expect(tunnel.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(900);
    expect(log.filter((line) => line.includes('could not reach'))).toEqual([
      'network: could not reach 127.0.0.2 (connect timeout after 300 ms); trying the next address if there is one',
      expect.stringMatching(/^network: could not reach 127\.0\.0\.3 \(connect timeout after \d{3} ms\); trying the next address if there is one$/),
    ]);
  });
});
