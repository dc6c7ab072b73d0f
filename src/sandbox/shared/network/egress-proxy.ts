/**
 * The host side of the network opt-in: an HTTP proxy listening on a UNIX socket that only the sandbox can reach
 * (it sits in a 0700 folder owned by the sandbox's uid and is bound into the sandbox). It serves `CONNECT host:port`
 * (HTTPS, git, anything tunnelled) and plain `GET http://…` requests, checks each destination with `decide`,
 * connects to the checked address, and logs every decision. The sandbox itself never leaves its own network
 * namespace; the proxy is its only way out.
 */
import { chmod, chown } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { NetworkAllowList } from './allow-list.js';
import { connectFirst } from './connect-first.js';
import { decide, systemResolver, type AllowedAddress, type Resolver } from './decide.js';

export interface EgressProxyOptions {
  socketPath: string;
  allowList: NetworkAllowList;
  /** Receives one line per decision (capped), e.g. for the task log. */
  log: (line: string) => void;
  /** Who may connect to the socket (the sandbox's uid); omitted when that is this process's own uid. */
  owner?: { uid: number; gid: number };
  resolve?: Resolver;
  /** Decisions logged before the proxy only counts them. @default 200 */
  maxLogLines?: number;
  /** How long reaching an allowed destination may take, over all of its name's addresses. @default 15 s */
  connectTimeoutMs?: number;
  /** The shortest try at one of those addresses (see connect-first.ts). @default 1 s */
  minConnectAttemptMs?: number;
}

export interface EgressProxy {
  readonly socketPath: string;
  counts(): { allowed: number; denied: number };
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 15_000;
const MIN_CONNECT_ATTEMPT_MS = 1_000;
const HOP_HEADERS = new Set(['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const resolve = options.resolve ?? systemResolver;
  const maxLog = options.maxLogLines ?? 200;
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const minConnectAttemptMs = options.minConnectAttemptMs ?? MIN_CONNECT_ATTEMPT_MS;
  const sockets = new Set<Duplex>();
  let allowed = 0;
  let denied = 0;
  let logged = 0;
  const note = (line: string) => {
    logged += 1;
    if (logged <= maxLog) options.log(`network: ${line}`);
    else if (logged === maxLog + 1) options.log(`network: more than ${maxLog} decisions; the rest are only counted`);
  };
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const unreachable = (address: string, reason: string) => note(`could not reach ${address} (${reason}); trying the next address if there is one`);
  /** The first allowed address of `host` that answers, within the connect budget; the log hears of the rest. */
  const reach = (host: string, addresses: readonly AllowedAddress[], port: number, abandoned: () => boolean) =>
    connectFirst({
      addresses,
      port,
      budgetMs: connectTimeoutMs,
      minAttemptMs: minConnectAttemptMs,
      track,
      abandoned,
      unreachable,
      skipped: (untried) => note(`not trying ${untried.join(', ')} for ${host}:${port}: its ${connectTimeoutMs} ms connect budget is spent`),
    });

  const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000 });
  server.on('connection', track);

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      denied += 1;
      note(`deny CONNECT ${req.url ?? ''}: not host:port`);
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    void decide(options.allowList, target.host, target.port, resolve).then((decision) => {
      if (!decision.allow) {
        denied += 1;
        note(`deny CONNECT ${target.host}:${target.port}: ${decision.reason}`);
        client.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nfleetmod egress proxy: ${decision.reason}\n`);
        return;
      }
      allowed += 1;
      note(`allow CONNECT ${target.host}:${target.port} → ${decision.address} (${decision.rule})`);
      reach(target.host, decision.addresses, target.port, () => client.destroyed).then(
        (upstream) => {
          if (client.destroyed) return void upstream.destroy();
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
          client.once('close', () => upstream.destroy());
          // A reset by the server is no end of stream, which pipe would pass on: without this the sandbox's side stays
          // open and a tool waits for the rest of its download until the step's timeout.
          upstream.once('error', () => client.destroy());
        },
        (err: Error) => {
          if (!client.destroyed && client.writable) client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n${err.message}\n`);
          else client.destroy();
        },
      );
    });
  });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      denied += 1;
      note(`deny ${req.method} ${req.url ?? ''}: not an absolute http:// URL`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('fleetmod egress proxy: send absolute http:// URLs or use CONNECT\n');
      return;
    }
    if (url.protocol !== 'http:') {
      denied += 1;
      note(`deny ${req.method} ${url.href}: only http:// is proxied this way (use CONNECT for https)`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('fleetmod egress proxy: only http:// URLs\n');
      return;
    }
    const port = url.port ? Number(url.port) : 80;
    const host = url.hostname;
    void decide(options.allowList, host, port, resolve).then((decision) => {
      if (!decision.allow) {
        denied += 1;
        note(`deny ${req.method} http://${host}:${port}: ${decision.reason}`);
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`fleetmod egress proxy: ${decision.reason}\n`);
        return;
      }
      allowed += 1;
      note(`allow ${req.method} http://${host}:${port} → ${decision.address} (${decision.rule})`);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(req.headers)) if (!HOP_HEADERS.has(key) && value !== undefined) headers[key] = value;
      headers.connection = 'close';
      // Reaching the server failed, or the exchange with it did: a 502 while nothing was answered yet, else cut.
      const badGateway = (err: Error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`${err.message}\n`);
        else res.destroy();
      };
      reach(host, decision.addresses, port, () => res.destroyed).then(
        (socket) => {
          if (res.destroyed) return void socket.destroy();
          // Connected: from here a response may pause as long as the server takes (a slow download, an answer computed
          // for minutes), as through a CONNECT tunnel; the step's own timeout bounds that.
          const upstream = http.request({ createConnection: () => socket, method: req.method, path: `${url.pathname}${url.search}`, headers });
          upstream.on('response', (response) => {
            res.writeHead(response.statusCode ?? 502, response.statusMessage, response.headers);
            response.pipe(res);
          });
          // Without a timeout, only this ends a download the sandbox gave up on (or that ended with the sandbox).
          res.once('close', () => upstream.destroy());
          upstream.on('error', badGateway);
          req.pipe(upstream);
        },
        badGateway,
      );
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  await chmod(options.socketPath, 0o600);
  if (options.owner) await chown(options.socketPath, options.owner.uid, options.owner.gid);

  return {
    socketPath: options.socketPath,
    counts: () => ({ allowed, denied }),
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** `host:port` or `[v6]:port` from a CONNECT request line. */
export function parseAuthority(text: string): { host: string; port: number } | null {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1] as string, port };
}
