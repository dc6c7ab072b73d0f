/**
 * The fake E2B's servers without any test-runner hook, so that benchmarks can start one too: a control plane and
 * an envd server on 127.0.0.1 (port 0). `index.ts` adds closing after each test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCloud, type CommandRecord, type CreateRecord, type FakeStats, type UploadRecord } from './cloud.js';
import { controlPlaneHandler } from './control-plane.js';
import { envdHandler } from './envd.js';
import type { Fault, FakeE2bOptions } from './options.js';
import type { FakeSandbox } from './sandbox.js';

export interface FakeE2b {
  apiUrl: string;
  sandboxUrl: string;
  apiKey: string;
  /** E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY for this fake (plus any extra variables). */
  env(extra?: Record<string, string>): Record<string, string>;
  stats(): FakeStats;
  /** Sandboxes alive now. */
  alive(): FakeSandbox[];
  /** Every create request, accepted or refused, in arrival order. */
  creates(): readonly CreateRecord[];
  /** Every Process/Start request. */
  commands(): readonly CommandRecord[];
  /** Every accepted /files upload. */
  uploads(): readonly UploadRecord[];
  inject(fault: Fault): void;
  /** The sandbox reaches its end of life now. */
  expire(sandboxId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeE2bServer(options: FakeE2bOptions = {}): Promise<FakeE2b> {
  const cloud = new FakeCloud({
    apiKey: 'e2b_test_key',
    envdVersion: '0.6.4',
    accessToken: true,
    startLatencyMs: 0,
    defaultTimeoutSeconds: 300,
    cpuCount: 2,
    memoryMB: 512,
    ...options,
  });
  const api = await listen(controlPlaneHandler(cloud));
  const envd = await listen(envdHandler(cloud));
  let closed = false;
  return {
    apiUrl: url(api),
    sandboxUrl: url(envd),
    apiKey: cloud.options.apiKey,
    env: (extra = {}) => ({ E2B_API_URL: url(api), E2B_SANDBOX_URL: url(envd), E2B_API_KEY: cloud.options.apiKey, ...extra }),
    stats: () => cloud.snapshot(),
    alive: () => [...cloud.sandboxes.values()],
    creates: () => cloud.creates,
    commands: () => cloud.commands,
    uploads: () => cloud.uploads,
    inject: (fault) => cloud.inject(fault),
    expire: (id) => cloud.expire(id),
    async close() {
      if (closed) return;
      closed = true;
      await cloud.closeAll();
      for (const server of [api, envd]) server.closeAllConnections();
      await Promise.all([api, envd].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 500, message: `fake e2b: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function url(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
