/**
 * Resolves a path inside a host workspace without following symlinks out of it. Only called when no sandboxed
 * process is alive (between commands), so the check cannot race with the sandbox.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FleetmodError } from '../../domain/errors.js';

/** Thrown when a path given for the workspace would leave it. */
export class WorkspaceEscape extends FleetmodError {
  override readonly name = 'WorkspaceEscape';
  readonly errorClass = 'permanent';
}

export async function resolveInWorkspace(workspace: string, relativePath: string, forWrite: boolean): Promise<string> {
  if (path.isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
    throw new WorkspaceEscape(`path "${relativePath}" is not inside the workspace`);
  }
  const root = await realpath(workspace);
  const target = path.join(root, relativePath);
  const parent = await realpath(path.dirname(target)).catch(() => null);
  if (parent === null || (parent !== root && !parent.startsWith(root + path.sep))) {
    throw new WorkspaceEscape(`path "${relativePath}" leads outside the workspace`);
  }
  const info = await lstat(target).catch(() => null);
  if (info?.isSymbolicLink()) throw new WorkspaceEscape(`path "${relativePath}" is a symbolic link`);
  if (info && !info.isFile()) throw new WorkspaceEscape(`path "${relativePath}" is not a regular file`);
  if (!info && !forWrite) throw new WorkspaceEscape(`path "${relativePath}" does not exist`);
  return path.join(parent, path.basename(target));
}
