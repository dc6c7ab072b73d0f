/**
 * Checks a sandbox's diff before the host applies and commits it. Symbolic links travel in a diff as their target
 * text (git never follows them), so the host is not exposed by taking one; but a link that points outside the
 * repository (`/etc/shadow`, `../../.ssh/id_rsa`) in a published change points into whatever machine checks the
 * branch out next (CI, a reviewer's laptop), so such a change is refused with the link named.
 */
import { FleetmodError } from '../../domain/errors.js';
import path from 'node:path';

/** Thrown when a sandbox's result contains something the host refuses to commit; the repo fails, the batch goes on. */
export class UnsafeResult extends FleetmodError {
  override readonly name = 'UnsafeResult';
  readonly errorClass = 'permanent';
}

export interface DiffSymlink {
  path: string;
  target: string;
}

/** Symbolic links a `git diff` creates or changes, with their new target. */
export function symlinksInDiff(diff: string): DiffSymlink[] {
  const links: DiffSymlink[] = [];
  const chunks = diff.split(/^(?=diff --git )/m);
  for (const chunk of chunks) {
    if (!chunk.startsWith('diff --git ')) continue;
    const headerEnd = chunk.search(/^(@@|GIT binary patch)/m);
    const header = headerEnd === -1 ? chunk : chunk.slice(0, headerEnd);
    if (!/^(new file mode 120000|new mode 120000|index [0-9a-f]+\.\.[0-9a-f]+ 120000)$/m.test(header)) continue;
    const plus = /^\+\+\+ (.+)$/m.exec(header)?.[1];
    if (!plus || plus === '/dev/null') continue;
    // git ends a name containing spaces with a tab on the ---/+++ lines, and C-quotes unusual names.
    const file = unquote(plus.replace(/\t$/, '')).replace(/^b\//, '');
    const target = headerEnd === -1 ? undefined : /^\+(?!\+\+ )(.*)$/m.exec(chunk.slice(headerEnd))?.[1];
    if (target !== undefined) links.push({ path: file, target });
  }
  return links;
}

/** Throws UnsafeResult when the diff adds or changes a link that points outside the repository. */
export function assertSafeDiff(diff: string): void {
  const outside = symlinksInDiff(diff).filter((l) => escapes(l.path, l.target));
  if (outside.length === 0) return;
  const list = outside.map((l) => `${l.path} → ${l.target}`).join(', ');
  throw new UnsafeResult(
    `the change adds ${outside.length === 1 ? 'a symbolic link' : 'symbolic links'} pointing outside the repository (${list}); refusing to commit it (links are never followed on the host)`,
  );
}

/** Undoes git's C-style quoting of a path ("b/na\\303\\257ve" → b/naïve). */
export function unquote(text: string): string {
  if (!(text.startsWith('"') && text.endsWith('"'))) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i] as string;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Whether a link at `relative` (inside the repository) pointing at `target` resolves outside it. */
export function escapes(relative: string, target: string): boolean {
  if (path.posix.isAbsolute(target)) return true;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(relative), target));
  return resolved === '..' || resolved.startsWith('../');
}
