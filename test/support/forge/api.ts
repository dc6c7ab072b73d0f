/**
 * The fake GitHub REST API under /api/v3 (the Enterprise Server layout, so the base-URL handling is what gets
 * exercised). Each request is authenticated like GitHub does (token, or an App's JWT), validated against the
 * OpenAPI subset, checked for injected faults, recorded by the monitor, then answered by a handler. Answers always
 * carry `content-type: application/json` and the x-ratelimit headers.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults, FaultAnswer } from './faults.js';
import { forgeNow, type Monitor } from './monitor.js';
import type { OpenApiValidator } from './openapi.js';
import type { ForgeState } from './state.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  state: ForgeState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The user behind the token (an App installation acts as `app/<slug>`). */
  login?: string;
  /** Authenticated as the App itself (JWT). */
  asApp: boolean;
  urls: { api: string; server: string };
  /** Path of this request under the API root, for Link headers. */
  path: string;
  /** Hook for handlers that need to act after answering (fault "already-exists"). */
  fault?: FaultAnswer;
}

export type Handler = (ctx: ApiContext) => Reply | Promise<Reply>;

export interface Route {
  operation: string;
  handler: Handler;
  /** Needs the App's JWT instead of a token. */
  app?: boolean;
}

interface CompiledRoute extends Route {
  method: string;
  pattern: RegExp;
  names: string[];
}

const API_PREFIX = '/api/v3';
const AUTH_PATH = /^\/app\/installations\/[^/]+\/access_tokens$/;

export class Api {
  private readonly routes: CompiledRoute[];
  private readonly used = new Map<string, number>();
  /** Requests held open by a "hang" fault; answered (destroyed) when the forge closes. */
  readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly state: ForgeState,
    private readonly validator: OpenApiValidator,
    readonly monitor: Monitor,
    readonly faults: Faults,
    routes: Route[],
    private readonly urls: () => { api: string; server: string },
  ) {
    this.routes = routes.map((r) => {
      const [method, template] = r.operation.split(' ') as [string, string];
      const names: string[] = [];
      const pattern = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
      if (!validator.has(r.operation)) throw new Error(`route ${r.operation} is not in the OpenAPI subset`);
      return { ...r, method, pattern, names };
    });
  }

  static isApi(url: string): boolean {
    return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`);
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = forgeNow();
    const url = new URL(req.url ?? '/', 'http://forge.invalid');
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const write = !['GET', 'HEAD'].includes(method) && !AUTH_PATH.test(path);
    const raw = await readBody(req);
    const record = (status: number, extra: { operation?: string | null; fault?: string; retryAfter?: number } = {}) =>
      this.monitor.calls.push({ at, method, path, operation: extra.operation ?? null, status, ms: forgeNow() - at, write, ...(extra.fault && { fault: extra.fault }), ...(extra.retryAfter !== undefined && { retryAfter: extra.retryAfter }) });

    const auth = this.authenticate(req);
    const identity = auth.login ?? (auth.asApp ? 'app' : 'anonymous');
    if (auth.error) {
      record(401);
      return this.send(res, identity, { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    }

    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    const fault = this.faults.match(method, path, write, at);
    if (fault && fault.kind !== 'already-exists' && fault.kind !== 'served' && fault.kind !== 'lost-answer') {
      if (fault.kind === 'hang') {
        record(0, { operation: route?.operation ?? null, fault: 'hang' });
        this.hanging.add(res);
        return;
      }
      const reply = faultReply(fault);
      record(reply.status, { operation: route?.operation ?? null, fault: fault.kind, ...(fault.kind === 'secondary' && fault.retryAfter !== undefined && { retryAfter: fault.retryAfter }) });
      return this.send(res, identity, reply, fault.kind === 'primary' ? fault.resetInSeconds : undefined);
    }
    if (!route) {
      this.monitor.violations.push(`${method} ${path}: no such route in the forge`);
      record(404);
      return this.send(res, identity, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    }

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.monitor.violations.push(`${method} ${path}: body is not JSON`);
        record(400, { operation: route.operation });
        return this.send(res, identity, { status: 400, body: { message: 'Problems parsing JSON' } });
      }
    }
    const match = route.pattern.exec(path) as RegExpExecArray;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] as string)]));
    const problems = this.validator.validate(route.operation, params, url.searchParams, body);
    if (problems.length > 0) {
      this.monitor.violations.push(`${method} ${path}: ${problems.join('; ')}`);
      record(422, { operation: route.operation });
      return this.send(res, identity, { status: 422, body: { message: 'Invalid request.', errors: problems } });
    }
    if (Boolean(route.app) !== auth.asApp) {
      record(401, { operation: route.operation });
      const message = route.app ? 'A JSON web token could not be decoded' : 'Bad credentials';
      return this.send(res, identity, { status: 401, body: { message } });
    }

    const reply = await route.handler({
      state: this.state,
      params,
      query: url.searchParams,
      body,
      ...(auth.login && { login: auth.login }),
      asApp: auth.asApp,
      urls: this.urls(),
      path,
      ...(fault && { fault }),
    });
    if (fault?.kind === 'lost-answer') {
      record(fault.status, { operation: route.operation });
      return this.send(res, identity, faultReply({ kind: 'status', status: fault.status }));
    }
    record(reply.status, { operation: route.operation });
    this.send(res, identity, reply);
  }

  private authenticate(req: IncomingMessage): { login?: string; asApp: boolean; error?: true } {
    const header = req.headers.authorization;
    if (!header) return { asApp: false };
    const [, value = ''] = header.split(/\s+/, 2);
    if (value.split('.').length === 3 && this.state.app) return verifyJwt(value, this.state.app.id, this.state.app.publicKey) ? { asApp: true } : { asApp: false, error: true };
    const login = this.state.loginForToken(value);
    return login ? { login, asApp: false } : { asApp: false, error: true };
  }

  private send(res: ServerResponse, identity: string, reply: Reply, resetInSeconds?: number): void {
    const used = (this.used.get(identity) ?? 0) + 1;
    this.used.set(identity, used);
    const remaining = resetInSeconds !== undefined ? 0 : Math.max(0, 5000 - used);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': `FORGE:${used}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(Math.min(used, 5000)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (resetInSeconds ?? 3600)),
      'x-ratelimit-resource': 'core',
      ...(reply.headers ?? {}),
    };
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }
}

function faultReply(fault: Exclude<FaultAnswer, { kind: 'hang' } | { kind: 'already-exists' } | { kind: 'served' } | { kind: 'lost-answer' }>): Reply {
  switch (fault.kind) {
    case 'secondary':
      return {
        status: fault.status ?? 403,
        headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
        body: {
          message: 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
      };
    case 'primary':
      return { status: 403, body: { message: 'API rate limit exceeded for user.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' } };
    case 'status':
      return { status: fault.status, body: { message: fault.status >= 500 ? 'Server Error' : 'Error' } };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An App's RS256 JWT: signed with the App's key, issued for its id, not expired. */
function verifyJwt(jwt: string, appId: string, publicKey: string): boolean {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  try {
    const ok = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey(publicKey), Buffer.from(signature, 'base64url'));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
    return ok && String(claims.iss) === appId && (claims.exp ?? 0) * 1000 > Date.now();
  } catch {
    return false;
  }
}

/** Slices a listing by per_page/page and adds GitHub's Link header so clients can paginate. */
export function page<T>(items: T[], ctx: ApiContext): { body: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Number(ctx.query.get('per_page') ?? 30) || 30);
  const current = Number(ctx.query.get('page') ?? 1) || 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(n));
    return `<${ctx.urls.api}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (current < last) links.push(link(current + 1, 'next'), link(last, 'last'));
  if (current > 1) links.push(link(1, 'first'), link(current - 1, 'prev'));
  return { body: items.slice((current - 1) * perPage, current * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

export function validationFailed(errors: object[], message = 'Validation Failed'): Reply {
  return { status: 422, body: { message, errors, documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request' } };
}

export function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}
