/**
 * Checks a sandbox's diff before the host applies and commits it. Symbolic links travel in a diff as their target
 * text (git never follows them), so the host is not exposed by taking one; but a link that points outside the
 * repository (`/etc/shadow`, `../../.ssh/id_rsa`) in a published change points into whatever machine checks the
 * branch out next (CI, a reviewer's laptop), so such a change is refused with the link named — as is a link whose
 * target has a line break or another control character (no honest link has one, and it hides the target from a
 * reader of the diff). A nested repository (a gitlink: a directory with its own `.git`, or a `.git` file naming any
 * repository on the host) is refused too: committing it records a commit of a repository the host resolved — one
 * the sandbox cannot see — and pushing it would lead git into that repository's own configuration.
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

interface FileDiff {
  /** The file's path in the new tree. */
  path: string;
  /** The extended header: `diff --git` up to the first hunk or binary patch. */
  header: string;
  /** What follows the header: the hunks (or the binary patch). */
  body: string;
}

/** The files of a `git diff`, new side only (a deleted file has none and is left out). */
function filesOf(diff: string): FileDiff[] {
  const files: FileDiff[] = [];
  for (const chunk of diff.split(/^(?=diff --git )/m)) {
    if (!chunk.startsWith('diff --git ')) continue;
    const headerEnd = chunk.search(/^(@@|GIT binary patch)/m);
    const header = headerEnd === -1 ? chunk : chunk.slice(0, headerEnd);
    const plus = /^\+\+\+ (.+)$/m.exec(header)?.[1];
    if (!plus || plus === '/dev/null') continue;
    // git ends a name containing spaces with a tab on the ---/+++ lines, and C-quotes unusual names.
    files.push({ path: unquote(plus.replace(/\t$/, '')).replace(/^b\//, ''), header, body: headerEnd === -1 ? '' : chunk.slice(headerEnd) });
  }
  return files;
}

const hasMode = (header: string, mode: string) => new RegExp(`^(new file mode ${mode}|new mode ${mode}|index [0-9a-f]+\\.\\.[0-9a-f]+ ${mode})$`, 'm').test(header);

/** Symbolic links a `git diff` creates or changes, with their whole new target (all its lines, if it has several). */
export function symlinksInDiff(diff: string): DiffSymlink[] {
  return filesOf(diff)
    .filter((f) => hasMode(f.header, '120000'))
    .map((f) => {
      const added = f.body.split('\n').filter((line) => line.startsWith('+'));
      return { path: f.path, target: added.map((line) => line.slice(1)).join('\n') };
    });
}

/** Nested repositories (gitlinks, mode 160000) a `git diff` adds or changes. */
function gitlinksInDiff(diff: string): string[] {
  return filesOf(diff)
    .filter((f) => hasMode(f.header, '160000'))
    .map((f) => f.path);
}

/** Throws UnsafeResult for a link pointing outside the repository or with a control character, or a nested repository. */
export function assertSafeDiff(diff: string): void {
  const nested = gitlinksInDiff(diff);
  if (nested.length > 0) {
    throw new UnsafeResult(
      `the change adds ${nested.length === 1 ? 'a nested git repository' : 'nested git repositories'} (${nested.join(', ')}: a folder with its own .git); refusing to commit it — remove that .git in the step, or commit the files without it`,
    );
  }
  const outside = symlinksInDiff(diff).filter((l) => escapes(l.path, l.target) || CONTROL.test(l.target));
  if (outside.length === 0) return;
  const list = outside.map((l) => `${l.path} → ${JSON.stringify(l.target).slice(1, -1)}`).join(', ');
  throw new UnsafeResult(
    `the change adds ${outside.length === 1 ? 'a symbolic link' : 'symbolic links'} pointing outside the repository (${list}); refusing to commit it (links are never followed on the host)`,
  );
}

const CONTROL = /[\u0000-\u001f\u007f]/;

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

/**
 * Whether a link at `relative` (inside the repository) pointing at `target` resolves outside it, or may: a `..`
 * after a name in the target climbs out of whatever that name is, and when the name is itself a link (`d/a` →
 * twelve `..` back to the root) the text's `a/..` does not cancel out — so such a target counts as escaping. Leading
 * `..`s climb out of the link's own folders, which are real folders (git records no path below a link).
 */
export function escapes(relative: string, target: string): boolean {
  if (path.posix.isAbsolute(target)) return true;
  let afterName = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') afterName = true;
    else if (afterName) return true;
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(relative), target));
  return resolved === '..' || resolved.startsWith('../');
}
