/**
 * The control-plane API the SDK calls (e2b-protocol.md §2): create, kill, info, timeout, connect and the paged
 * list with its triple-encoded metadata filter. Errors carry their code in the JSON body, as the SDK expects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CreateRecord, FakeCloud } from './cloud.js';
import { delay, readBody, sendEmpty, sendJson } from './http.js';
import { CONCURRENCY_LIMIT_MESSAGE, CREATION_RATE_MESSAGE } from './options.js';
import type { CreateRequest, FakeSandbox } from './sandbox.js';

export function controlPlaneHandler(cloud: FakeCloud) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (req.headers['x-api-key'] !== cloud.options.apiKey) {
      if (method === 'POST' && url.pathname === '/v2/sandboxes') {
        cloud.reject(record(cloud, body), 'auth');
      }
      return sendJson(res, 401, { code: 401, message: 'Invalid API key, please visit https://e2b.dev/docs/api-key to get a valid API key' });
    }

    if (method === 'POST' && url.pathname === '/v2/sandboxes') return create(cloud, body, res);
    if (method === 'GET' && url.pathname === '/v2/sandboxes') return list(cloud, url, res);

    const one = /^\/(v2\/)?sandboxes\/([^/]+)(?:\/(timeout|connect))?$/.exec(url.pathname);
    if (one) {
      const [, v2, id, action] = one as unknown as [string, string | undefined, string, string | undefined];
      const sandbox = cloud.sandboxes.get(id);
      if (method === 'DELETE' && !v2 && !action) {
        const fault = cloud.takeFault('kill', id);
        if (fault && typeof fault.action === 'object') return sendJson(res, fault.action.respond, fault.action.body ?? {});
        if (!(await cloud.kill(id))) return notFound(res, id);
        return sendEmpty(res, 204);
      }
      if (!sandbox) return notFound(res, id);
      if (method === 'GET' && !v2 && !action) return sendJson(res, 200, detail(cloud, sandbox));
      if (method === 'POST' && action === 'timeout' && !v2) {
        const fault = cloud.takeFault('timeout', id);
        if (fault && typeof fault.action === 'object') return sendJson(res, fault.action.respond, fault.action.body ?? {});
        const { timeout } = JSON.parse(body.toString() || '{}') as { timeout?: number };
        sandbox.setTimeout(timeout ?? cloud.options.defaultTimeoutSeconds);
        return sendEmpty(res, 204);
      }
      if (method === 'POST' && action === 'connect' && v2) {
        const { timeout } = JSON.parse(body.toString() || '{}') as { timeout?: number };
        sandbox.extendTimeout(timeout ?? cloud.options.defaultTimeoutSeconds);
        return sendJson(res, 200, created(cloud, sandbox));
      }
    }
    sendJson(res, 404, { code: 404, message: `fake e2b: no route ${method} ${url.pathname}` });
  };
}

async function create(cloud: FakeCloud, body: Buffer, res: ServerResponse): Promise<void> {
  const entry = record(cloud, body);
  const fault = cloud.takeFault('create', entry.request.templateID);
  if (fault && fault.action !== 'lose-answer') {
    cloud.reject(entry, 'fault');
    if (fault.action === 'stall') return;
    if (fault.action === 'drop' || fault.action === 'expire') return void res.destroy();
    return sendJson(res, fault.action.respond, fault.action.body ?? { code: fault.action.respond, message: 'injected failure' }, fault.action.headers);
  }
  const refusal = cloud.admit(entry.at);
  if (refusal === 'concurrency') {
    cloud.reject(entry, 'concurrency');
    return sendJson(res, 429, { code: 429, message: CONCURRENCY_LIMIT_MESSAGE(cloud.options.maxConcurrent as number) });
  }
  if (refusal === 'rate') {
    cloud.reject(entry, 'rate');
    const rate = cloud.options.creationRate as { count: number; perMs: number };
    return sendJson(res, 429, { code: 429, message: CREATION_RATE_MESSAGE(rate.count, rate.perMs) });
  }
  if (cloud.options.startLatencyMs > 0) await delay(cloud.options.startLatencyMs);
  const sandbox = await cloud.boot(entry.request);
  entry.sandboxId = sandbox.id;
  if (fault?.action === 'lose-answer') return void res.destroy();
  sendJson(res, 201, created(cloud, sandbox));
}

function record(cloud: FakeCloud, body: Buffer): CreateRecord {
  const request = JSON.parse(body.toString() || '{}') as CreateRequest;
  const entry: CreateRecord = { at: Date.now(), request };
  cloud.creates.push(entry);
  return entry;
}

function list(cloud: FakeCloud, url: URL, res: ServerResponse): void {
  const wanted = decodeMetadataQuery(url.searchParams.get('metadata'));
  const states = (url.searchParams.get('state') ?? 'running,paused').split(',');
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const offset = Number(url.searchParams.get('nextToken') ?? 0);
  const matching = [...cloud.sandboxes.values()].filter(
    (s) => states.includes('running') && Object.entries(wanted).every(([k, v]) => s.metadata[k] === v),
  );
  const page = matching.slice(offset, offset + limit);
  const headers: Record<string, string> = offset + limit < matching.length ? { 'x-next-token': String(offset + limit) } : {};
  sendJson(res, 200, page.map((s) => listed(cloud, s)), headers);
}

/**
 * `metadata` arrives triple-encoded (§2.4): the query value is a form string whose values are themselves
 * URI-encoded, e.g. `repo=org%252Frepo` → `org%2Frepo` → `org/repo`.
 */
export function decodeMetadataQuery(value: string | null): Record<string, string> {
  if (!value) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(value)) out[decodeURIComponent(k)] = decodeURIComponent(v);
  return out;
}

function notFound(res: ServerResponse, id: string): void {
  sendJson(res, 404, { code: 404, message: `sandbox "${id}" doesn't exist or you don't have access to it` });
}

function created(cloud: FakeCloud, s: FakeSandbox) {
  return {
    sandboxID: s.id,
    templateID: s.request.templateID,
    alias: s.request.templateID,
    clientID: s.clientID,
    envdVersion: cloud.options.envdVersion,
    envdAccessToken: s.token ?? null,
    trafficAccessToken: null,
    domain: null,
  };
}

function listed(cloud: FakeCloud, s: FakeSandbox) {
  return {
    sandboxID: s.id,
    templateID: s.request.templateID,
    alias: s.request.templateID,
    clientID: s.clientID,
    startedAt: s.startedAt.toISOString(),
    endAt: s.endAt.toISOString(),
    cpuCount: cloud.options.cpuCount,
    memoryMB: cloud.options.memoryMB,
    diskSizeMB: 10240,
    metadata: s.metadata,
    state: 'running',
    envdVersion: cloud.options.envdVersion,
  };
}

function detail(cloud: FakeCloud, s: FakeSandbox) {
  return {
    ...listed(cloud, s),
    allowInternetAccess: s.request.allow_internet_access ?? true,
    ...(s.request.network && { network: s.request.network }),
    domain: null,
  };
}
