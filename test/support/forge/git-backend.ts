/**
 * Git smart-HTTP for the forge: each request is handed to `git http-backend` (CGI) over the bare repositories
 * under the forge's root. Pushing needs a valid token (Basic auth, token as password or user; or `token X` /
 * `Bearer X`) and push permission; private repositories need a token to be read; archived ones refuse pushes.
 * Every push is reported with the refs it changed (before/after), read from the repository around the push.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Faults } from './faults.js';
import type { ForgeState } from './state.js';

export interface PushEvent {
  at: number;
  owner: string;
  repo: string;
  ref: string;
  before: string | null;
  after: string | null;
  login: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const advertCache = new WeakMap<ForgeState, { headers: Record<string, string>; body: Buffer }>();

/** Credentials of a git request: the token in Basic auth (password, or user with an empty password) or a token header. */
export function tokenFrom(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return password || user || undefined;
  }
  if (/^(token|bearer)$/i.test(scheme ?? '')) return value || undefined;
  return undefined;
}

/** Every ref of a bare repository with its SHA, read from the files (no git process: the forge answers a lot). */
export async function refsOf(bare: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const packed = await readFile(path.join(bare, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const m = /^([0-9a-f]{40}) (refs\/\S+)$/.exec(line);
    if (m) refs.set(m[2] as string, m[1] as string);
  }
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const ref = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), ref);
      else {
        const sha = (await readFile(path.join(dir, entry.name), 'utf8').catch(() => '')).trim();
        if (/^[0-9a-f]{40}$/.test(sha)) refs.set(ref, sha);
      }
    }
  };
  await walk(path.join(bare, 'refs'), 'refs');
  return refs;
}

/** The SHA of a branch of a bare repository, or null. */
export async function headSha(bare: string, branch: string): Promise<string | null> {
  const loose = (await readFile(path.join(bare, 'refs', 'heads', ...branch.split('/')), 'utf8').catch(() => '')).trim();
  if (/^[0-9a-f]{40}$/.test(loose)) return loose;
  return (await refsOf(bare)).get(`refs/heads/${branch}`) ?? null;
}

export async function serveGit(
  state: ForgeState,
  req: IncomingMessage,
  res: ServerResponse,
  onPush: (event: PushEvent) => void,
  faults?: Faults,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://forge.invalid');
  const match = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
  const owner = match?.[1];
  const name = match?.[2];
  if (!match || !owner || !name || !NAME.test(owner) || !NAME.test(name)) return text(res, 404, 'Repository not found.');
  const repo = state.repo(owner, name);
  if (!repo) return text(res, 404, 'Repository not found.');

  const isPush = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
  const token = tokenFrom(req);
  const login = token ? state.loginForToken(token) : undefined;
  if (token && !login) return text(res, 401, 'Invalid username or token.', { 'www-authenticate': 'Basic realm="forge"' });
  if ((isPush || repo.private) && !login) {
    return text(res, 401, 'Authentication required.', { 'www-authenticate': 'Basic realm="forge"' });
  }
  if (repo.private && login && !state.canRead(repo, login)) return text(res, 404, 'Repository not found.');
  if (isPush && repo.archived) return text(res, 403, 'This repository was archived so it is read-only.');
  if (isPush && login && !state.canPush(repo, login)) return text(res, 403, `Permission to ${owner}/${name}.git denied to ${login}.`);

  const bare = state.barePath(repo);
  // Protocol v2's upload-pack advertisement lists capabilities, not refs: the same for every repository, so it is
  // answered from the first one (half of the processes an ls-remote or a clone costs the forge).
  const v2Advert = req.method === 'GET' && url.pathname.endsWith('/info/refs') && !isPush && /version=2/.test(String(req.headers['git-protocol'] ?? ''));
  if (v2Advert && advertCache.has(state)) {
    const cached = advertCache.get(state) as { headers: Record<string, string>; body: Buffer };
    res.writeHead(200, cached.headers);
    res.end(cached.body);
    return;
  }
  const isReceive = req.method === 'POST' && url.pathname.endsWith('/git-receive-pack');
  const isUpload = req.method === 'POST' && url.pathname.endsWith('/git-upload-pack');
  // Upload-pack bodies are read first so a fault can target one protocol-v2 command (e.g. only the fetch).
  const body = isUpload && faults ? await readBody(req) : undefined;
  const command = body ? /command=([a-z-]+)/.exec((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('latin1'))?.[1] : undefined;
  const fault = isReceive || isUpload ? faults?.matchGit(isReceive ? 'receive-pack' : 'upload-pack', `${owner}/${name}`, command) : undefined;
  if (fault === 'hangup') {
    // Start an answer, then cut the connection: what a proxy or a dropped link does mid-transfer.
    // (An empty reply would not do: git repeats a stateless POST once when the answer is empty.)
    req.resume();
    res.writeHead(200, { 'content-type': `application/x-git-${isReceive ? 'receive' : 'upload'}-pack-result` });
    res.write('0008NAK\n', () => res.socket?.destroy());
    return;
  }
  if (fault) return text(res, fault.status, 'injected failure');
  const before = isReceive ? await refsOf(bare) : undefined;
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: state.root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: state.reposRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${owner}/${name}.git${match[3]}`,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] && { CONTENT_LENGTH: req.headers['content-length'] }),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...(login && { REMOTE_USER: login }),
      ...(req.headers['content-encoding'] && { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }),
      ...(req.headers['git-protocol'] && { HTTP_GIT_PROTOCOL: String(req.headers['git-protocol']) }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (body) child.stdin.end(body);
  else req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);

  let head = Buffer.alloc(0);
  let headersSent = false;
  const sent: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      if (v2Advert) sent.push(chunk);
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const endLf = head.indexOf('\n\n');
    const cut = end >= 0 ? { at: end, len: 4 } : endLf >= 0 ? { at: endLf, len: 2 } : null;
    if (!cut) return;
    let status = 200;
    for (const line of head.subarray(0, cut.at).toString('utf8').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else res.setHeader(key, value);
    }
    res.statusCode = status;
    headersSent = true;
    if (v2Advert) sent.push(head.subarray(cut.at + cut.len));
    res.write(head.subarray(cut.at + cut.len));
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  // The push is recorded before the response ends: a pusher that has its answer finds the event already there.
  if (before && login) {
    const after = await refsOf(bare);
    for (const ref of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(ref) ?? null;
      const now = after.get(ref) ?? null;
      if (was !== now) onPush({ at: Date.now(), owner: repo.owner, repo: repo.name, ref, before: was, after: now, login });
    }
  }
  if (!headersSent) {
    res.statusCode = 500;
    res.end(`git http-backend failed: ${stderr}`);
  } else {
    res.end();
    if (v2Advert && res.statusCode === 200) {
      const headers = Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
      advertCache.set(state, { headers, body: Buffer.concat(sent) });
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${body}\n`);
}

export function barePathFor(reposRoot: string, owner: string, name: string): string {
  return path.join(reposRoot, owner, `${name}.git`);
}
