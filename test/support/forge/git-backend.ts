/**
 * Git smart-HTTP for the forge: each request is handed to `git http-backend` (CGI) over the bare repositories
 * under the forge's root. Pushing needs a valid token (Basic auth, token as password or user; or `token X` /
 * `Bearer X`) and push permission; private repositories need a token to be read; archived ones refuse pushes.
 * Every push is reported with the refs it changed (before/after), read from the repository around the push.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { git } from '../git.js';
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

export async function refsOf(bare: string): Promise<Map<string, string>> {
  const out = await git(bare, 'for-each-ref', '--format=%(objectname) %(refname)');
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split(' ');
    if (sha && ref) refs.set(ref, sha);
  }
  return refs;
}

export async function serveGit(
  state: ForgeState,
  req: IncomingMessage,
  res: ServerResponse,
  onPush: (event: PushEvent) => void,
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
  const isReceive = req.method === 'POST' && url.pathname.endsWith('/git-receive-pack');
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
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
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
    res.write(head.subarray(cut.at + cut.len));
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  if (!headersSent) {
    res.statusCode = 500;
    res.end(`git http-backend failed: ${stderr}`);
  } else {
    res.end();
  }
  if (before && login) {
    const after = await refsOf(bare);
    for (const ref of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(ref) ?? null;
      const now = after.get(ref) ?? null;
      if (was !== now) onPush({ at: Date.now(), owner: repo.owner, repo: repo.name, ref, before: was, after: now, login });
    }
  }
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${body}\n`);
}

export function barePathFor(reposRoot: string, owner: string, name: string): string {
  return path.join(reposRoot, owner, `${name}.git`);
}
