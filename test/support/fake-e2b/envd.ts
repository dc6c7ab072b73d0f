/**
 * The envd origin shared by every sandbox (e2b-protocol.md §1, §3, §4): requests are routed on the
 * `E2b-Sandbox-Id` header (pre-signed file URLs, which carry none, by their signature), dead or unknown
 * sandboxes answer the edge proxy's 502, and everything but /health and /files needs the access token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCloud } from './cloud.js';
import { sendUnaryError } from './connect.js';
import { downloadFile, filesAuthorised, sandboxForSignature, uploadFiles } from './envd-files.js';
import { filesystemUnary } from './envd-filesystem.js';
import { processUnary, startProcess } from './envd-process.js';
import { readBody, sendEmpty, sendJson } from './http.js';

export function envdHandler(cloud: FakeCloud) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const id = req.headers['e2b-sandbox-id'];
    const sandbox = typeof id === 'string' ? cloud.sandboxes.get(id) : url.pathname === '/files' ? sandboxForSignature(cloud, req, url) : undefined;
    if (!sandbox?.alive) {
      await readBody(req).catch(() => undefined);
      return sendJson(res, 502, { sandboxId: typeof id === 'string' ? id : '', message: 'The sandbox was not found', code: 502 });
    }

    if (url.pathname === '/health') return sendEmpty(res, 204);
    if (url.pathname === '/files') {
      if (!filesAuthorised(sandbox, req, url)) return unauthorised(res);
      if (req.method === 'GET') return downloadFile(cloud, sandbox, url, res);
      if (req.method === 'POST') return uploadFiles(cloud, sandbox, req, url, res);
    }
    if (sandbox.token && req.headers['x-access-token'] !== sandbox.token) return unauthorised(res);

    const rpc = /^\/(process\.Process|filesystem\.Filesystem)\/(\w+)$/.exec(url.pathname);
    if (req.method === 'POST' && rpc) {
      const [, service, method] = rpc as unknown as [string, string, string];
      const body = await readBody(req);
      if (service === 'process.Process' && method === 'Start') return startProcess(cloud, sandbox, req, res, body);
      const message = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
      if (service === 'process.Process') return processUnary(sandbox, method, message, res);
      return filesystemUnary(sandbox, method, message, res);
    }
    sendUnaryError(res, 'unimplemented', `fake e2b: no envd route ${req.method} ${url.pathname}`);
  };
}

function unauthorised(res: ServerResponse): void {
  sendJson(res, 401, { code: 401, message: 'unauthorized access, please provide a valid access token or method signing if supported' });
}
