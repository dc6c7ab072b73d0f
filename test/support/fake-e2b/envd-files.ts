/**
 * envd's `/files` (e2b-protocol.md §3.3–3.4): download as octet-stream; upload as multipart (one part per file,
 * the `path` query winning for a single file) or as a raw, possibly gzip-encoded octet-stream. Authorised by the
 * access token header or a `v1_` signature (pre-signed URLs carry no sandbox id at all).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { FakeCloud } from './cloud.js';
import { readBody, sendJson } from './http.js';
import { OutsideSandbox, hostPathOf } from './paths.js';
import type { FakeSandbox } from './sandbox.js';

export function signatureFor(sandboxPath: string, operation: 'read' | 'write', user: string, token: string, expiration?: string): string {
  const raw = [sandboxPath, operation, user, token, ...(expiration ? [expiration] : [])].join(':');
  return `v1_${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}

/** Whether the request may touch this sandbox's files: the token header, or a valid unexpired signature. */
export function filesAuthorised(sandbox: FakeSandbox, req: IncomingMessage, url: URL): boolean {
  if (!sandbox.token) return true;
  return req.headers['x-access-token'] === sandbox.token || signatureValid(sandbox, req.method ?? 'GET', url);
}

function signatureValid(sandbox: FakeSandbox, method: string, url: URL): boolean {
  const signature = url.searchParams.get('signature');
  if (!signature || !sandbox.token) return false;
  const expiration = url.searchParams.get('signature_expiration') ?? undefined;
  if (expiration && Number(expiration) * 1000 < Date.now()) return false;
  const operation = method === 'GET' ? 'read' : 'write';
  const user = url.searchParams.get('username') ?? '';
  return signature === signatureFor(url.searchParams.get('path') ?? '', operation, user, sandbox.token, expiration);
}

/** The sandbox a pre-signed URL belongs to: the one whose token makes the signature valid. */
export function sandboxForSignature(cloud: FakeCloud, req: IncomingMessage, url: URL): FakeSandbox | undefined {
  return [...cloud.sandboxes.values()].find((s) => signatureValid(s, req.method ?? 'GET', url));
}

export async function downloadFile(cloud: FakeCloud, sandbox: FakeSandbox, url: URL, res: ServerResponse): Promise<void> {
  const requested = url.searchParams.get('path') ?? '';
  const fault = cloud.takeFault('download', requested);
  if (fault && typeof fault.action === 'object') return sendJson(res, fault.action.respond, fault.action.body ?? {});
  if (fault?.action === 'drop') return void res.destroy();
  const target = await resolve(sandbox, requested, url, res);
  if (!target) return;
  const info = await stat(target.hostPath).catch(() => null);
  if (!info) return sendJson(res, 404, { code: 404, message: `path '${target.sandboxPath}' does not exist` });
  if (!info.isFile()) return sendJson(res, 400, { code: 400, message: `path '${target.sandboxPath}' is not a file` });
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(info.size) });
  await pipeline(createReadStream(target.hostPath), res).catch(() => undefined);
}

export async function uploadFiles(cloud: FakeCloud, sandbox: FakeSandbox, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
  const queryPath = url.searchParams.get('path');
  const fault = cloud.takeFault('upload', queryPath ?? '');
  if (fault && typeof fault.action === 'object') return sendJson(res, fault.action.respond, fault.action.body ?? {});
  if (fault?.action === 'drop') return void res.destroy();
  if (fault?.action === 'stall') return void req.pause();
  const contentType = req.headers['content-type'] ?? '';
  const written: { name: string; type: 'file'; path: string }[] = [];

  if (contentType.startsWith('application/octet-stream')) {
    if (!queryPath) return sendJson(res, 400, { code: 400, message: 'path is required for octet-stream uploads' });
    const target = await resolve(sandbox, queryPath, url, res);
    if (!target) return;
    await mkdir(path.dirname(target.hostPath), { recursive: true });
    if (req.headers['content-encoding'] === 'gzip') await pipeline(req, createGunzip(), createWriteStream(target.hostPath));
    else await pipeline(req, createWriteStream(target.hostPath));
    written.push({ name: path.posix.basename(target.sandboxPath), type: 'file', path: target.sandboxPath });
    record(cloud, sandbox, req, url, written);
    return sendJson(res, 200, written);
  }

  if (!contentType.startsWith('multipart/form-data')) return sendJson(res, 400, { code: 400, message: `unsupported content type ${contentType}` });
  const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: await readBody(req) }).formData();
  const parts = form.getAll('file').flatMap((p) => (typeof p === 'string' ? [] : [p]));
  const seen = new Set<string>();
  for (const part of parts) {
    const target = await resolve(sandbox, queryPath ?? part.name, url, res);
    if (!target) return;
    if (seen.has(target.sandboxPath)) return sendJson(res, 400, { code: 400, message: `two parts resolve to ${target.sandboxPath}` });
    seen.add(target.sandboxPath);
    await mkdir(path.dirname(target.hostPath), { recursive: true });
    await writeFile(target.hostPath, Buffer.from(await part.arrayBuffer()));
    written.push({ name: path.posix.basename(target.sandboxPath), type: 'file', path: target.sandboxPath });
  }
  if (written.length === 0) return sendJson(res, 400, { code: 400, message: 'no file part in the upload' });
  record(cloud, sandbox, req, url, written);
  sendJson(res, 200, written);
}

function record(cloud: FakeCloud, sandbox: FakeSandbox, req: IncomingMessage, url: URL, written: { path: string }[]): void {
  const username = url.searchParams.get('username');
  const encoding = req.headers['content-encoding'];
  cloud.uploads.push({
    sandboxId: sandbox.id,
    paths: written.map((w) => w.path),
    contentType: (req.headers['content-type'] ?? '').split(';')[0] as string,
    ...(encoding && { contentEncoding: encoding }),
    ...(username && { username }),
    signed: req.headers['x-access-token'] !== sandbox.token,
  });
}

async function resolve(sandbox: FakeSandbox, requested: string, url: URL, res: ServerResponse) {
  try {
    return await hostPathOf(sandbox, requested, url.searchParams.get('username') ?? undefined);
  } catch (err) {
    if (err instanceof OutsideSandbox) {
      sendJson(res, 403, { code: 403, message: err.message });
      return undefined;
    }
    throw err;
  }
}
