/** envd's unary `filesystem.Filesystem` calls (e2b-protocol.md §4.5): Stat, ListDir, MakeDir, Move, Remove. */
import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { sendUnary, sendUnaryError } from './connect.js';
import { OutsideSandbox, hostPathOf } from './paths.js';
import type { FakeSandbox } from './sandbox.js';

export async function filesystemUnary(sandbox: FakeSandbox, method: string, message: Record<string, unknown>, res: ServerResponse): Promise<void> {
  try {
    switch (method) {
      case 'Stat': {
        const target = await hostPathOf(sandbox, String(message.path ?? ''));
        const info = await lstat(target.hostPath).catch(() => null);
        if (!info) return sendUnaryError(res, 'not_found', `path not found: ${target.sandboxPath}`);
        return sendUnary(res, { entry: await entryInfo(target.sandboxPath, target.hostPath, info) });
      }
      case 'ListDir': {
        const target = await hostPathOf(sandbox, String(message.path ?? ''));
        const info = await lstat(target.hostPath).catch(() => null);
        if (!info?.isDirectory()) return sendUnaryError(res, 'not_found', `directory not found: ${target.sandboxPath}`);
        const depth = Math.max(1, Number(message.depth ?? 1));
        return sendUnary(res, { entries: await listDir(target.sandboxPath, target.hostPath, depth) });
      }
      case 'MakeDir': {
        const target = await hostPathOf(sandbox, String(message.path ?? ''));
        if (await lstat(target.hostPath).catch(() => null)) return sendUnaryError(res, 'already_exists', `directory already exists: ${target.sandboxPath}`);
        await mkdir(target.hostPath, { recursive: true });
        return sendUnary(res, { entry: await entryInfo(target.sandboxPath, target.hostPath, await lstat(target.hostPath)) });
      }
      case 'Move': {
        const from = await hostPathOf(sandbox, String(message.source ?? ''));
        const to = await hostPathOf(sandbox, String(message.destination ?? ''));
        if (!(await lstat(from.hostPath).catch(() => null))) return sendUnaryError(res, 'not_found', `source not found: ${from.sandboxPath}`);
        await mkdir(path.dirname(to.hostPath), { recursive: true });
        await rename(from.hostPath, to.hostPath);
        return sendUnary(res, { entry: await entryInfo(to.sandboxPath, to.hostPath, await lstat(to.hostPath)) });
      }
      case 'Remove': {
        const target = await hostPathOf(sandbox, String(message.path ?? ''));
        await rm(target.hostPath, { recursive: true, force: true });
        return sendUnary(res, {});
      }
      default:
        return sendUnaryError(res, 'unimplemented', `fake e2b: filesystem.Filesystem/${method} is not implemented`);
    }
  } catch (err) {
    if (err instanceof OutsideSandbox) return sendUnaryError(res, 'permission_denied', err.message);
    throw err;
  }
}

async function listDir(sandboxDir: string, hostDir: string, depth: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of (await readdir(hostDir)).sort()) {
    const hostPath = path.join(hostDir, name);
    const sandboxPath = path.posix.join(sandboxDir, name);
    const info = await lstat(hostPath);
    out.push(await entryInfo(sandboxPath, hostPath, info));
    if (info.isDirectory() && depth > 1) out.push(...(await listDir(sandboxPath, hostPath, depth - 1)));
  }
  return out;
}

async function entryInfo(sandboxPath: string, hostPath: string, info: Stats) {
  const type = info.isSymbolicLink() ? 'FILE_TYPE_SYMLINK' : info.isDirectory() ? 'FILE_TYPE_DIRECTORY' : 'FILE_TYPE_FILE';
  return {
    name: path.posix.basename(sandboxPath),
    type,
    path: sandboxPath,
    size: String(info.size),
    mode: info.mode & 0o777,
    permissions: permissions(info),
    owner: 'user',
    group: 'user',
    modifiedTime: info.mtime.toISOString(),
    ...(info.isSymbolicLink() && { symlinkTarget: await readlink(hostPath) }),
  };
}

function permissions(info: Stats): string {
  const kind = info.isSymbolicLink() ? 'l' : info.isDirectory() ? 'd' : '-';
  const bits = 'rwxrwxrwx';
  return kind + [...bits].map((c, i) => (info.mode & (1 << (8 - i)) ? c : '-')).join('');
}
