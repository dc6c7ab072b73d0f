/**
 * Taking a change out of a checkout and committing a change, both with a throw-away index so the checkout's own
 * index and worktree are never touched:
 *
 * - the diff, one git script (git-script.ts): read HEAD's tree into the throw-away index, add everything in the
 *   worktree but what the repository's .gitignore leaves out (node_modules after an install; a tracked file counts
 *   whatever it matches), as `git add -A` does for a person (`add -A` records symlinks as links and never follows
 *   them), write that index's tree, diff the index against HEAD;
 * - the commit: the tree of the journaled diff — when the diff is the one just taken in the same checkout on the
 *   same base (diff-trees.ts), the tree that taking it wrote; otherwise a script reads the base tree, applies the
 *   diff to the index only and writes the tree — then the commit object with the given identity and time, written
 *   by fleetmod itself (commit-object.ts; by `git commit-tree` for an identity git would rewrite, or a message with
 *   a NUL byte, which git refuses), signed when the job has a signing key (ssh-signing.ts). The same diff, base,
 *   message, identity, time and key give the same commit, so a resumed run re-makes exactly the commit it made
 *   before the crash. No branch is moved in the checkout: the push
 *   sends the commit by its id.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommitRequest } from './host-git.js';
import { ChangeTooLarge, GitFailed } from '../domain/errors.js';
import { strictUtf8 } from '../util/strict-utf8.js';
import { looseObjectExists, signCommitObject, writeCommitObject, writtenAsGitWould, type CommitSigner } from './commit-object.js';
import { runGitProcess } from './git-process.js';
import { runGitScript, runGitScriptBytes, type GitScriptOptions } from './git-script.js';
import { makeOwnedTempDir } from '../util/owned-temp.js';
import { sshSign } from './ssh-signing.js';

/** The scripts' throw-away folders, `<prefix><pid>-XXXXXX`, so a later run removes what a killed one left. */
export const GIT_SCRATCH_PREFIXES = ['fleetmod-index-', 'fleetmod-commit-'] as const;

type ScriptContext = Pick<GitScriptOptions, 'env' | 'timeoutMs' | 'signal'>;

/**
 * The diff shows every gitlink the tree has, as one line, whatever the user's config or the sandbox's `.gitmodules`
 * say: `--ignore-submodules=dirty` overrides an `ignore = all` there (which would leave a nested repository out of
 * the diff that diff-safety.ts checks, but in the tree the commit is made of), and `--submodule=short` overrides a
 * user's `diff.submodule = diff`, with which git runs a second git inside the nested repository — under its own
 * config, whose diff drivers and filters would then run on the host.
 */
const DIFF_SCRIPT = `set -e
export GIT_INDEX_FILE="$1"
git read-tree HEAD
git add --all -- .
git write-tree
exec git diff --cached --binary --full-index --no-color --no-ext-diff --no-textconv --no-renames --ignore-submodules=dirty --submodule=short HEAD`;

/** The tree of the base with the diff applied (to a throw-away index only). */
const APPLY_SCRIPT = `set -e
export GIT_INDEX_FILE="$1/index"
git read-tree "$2"
git apply --cached --binary --whitespace=nowarn -- "$1/change.patch"
exec git write-tree`;

export interface WorktreeChange {
  /** The tree of everything in the worktree (written into the checkout's object store). */
  tree: string;
  /** `git diff --binary` of that tree against HEAD. */
  diff: string;
}

/**
 * The tree of everything in the worktree of `dir` (new, changed, deleted files) and its binary diff against HEAD;
 * ChangeTooLarge when the diff is larger than `maxBytes`.
 */
export async function worktreeDiffScript(ctx: ScriptContext, dir: string, maxBytes?: number): Promise<WorktreeChange> {
  // The script writes the tree's id (up to 64 hex digits and a newline) before the diff: the limit is the diff's.
  const limit = maxBytes === undefined ? {} : { maxStdoutBytes: maxBytes + 65, tooMuchOutput: () => ChangeTooLarge.over(maxBytes) };
  const take = () => withScratch(GIT_SCRATCH_PREFIXES[0], (tmp) => runGitScriptBytes('diff', DIFF_SCRIPT, { ...ctx, ...limit, cwd: dir, args: [path.join(tmp, 'index')] }));
  // git diffs any file without a NUL byte as text, in its own encoding (Latin-1, Shift-JIS…). The diff is kept as
  // text (the journal, the report), where such bytes would be replaced and the diff would no longer apply to the
  // same tree: then it is taken again with every file's diff binary (base85, plain ASCII, applied byte for byte).
  const out = strictUtf8(await take()) ?? strictUtf8(await withEveryDiffBinary(dir, take));
  if (out === undefined) throw new GitFailed('git diff failed: its binary form is not UTF-8 either', 'permanent');
  const newline = out.indexOf('\n');
  const diff = out.slice(newline + 1);
  if (maxBytes !== undefined && Buffer.byteLength(diff) > maxBytes) throw ChangeTooLarge.over(maxBytes);
  return { tree: out.slice(0, newline), diff };
}

/**
 * Runs `action` with `* -diff` in the checkout's `.git/info/attributes`, which outranks any `.gitattributes` in
 * the worktree; `-diff` changes how git shows a change, never what `add` records.
 */
async function withEveryDiffBinary<T>(dir: string, action: () => Promise<T>): Promise<T> {
  const info = path.join(dir, '.git', 'info');
  const attributes = path.join(info, 'attributes');
  const before = await readFile(attributes).catch(() => undefined);
  await mkdir(info, { recursive: true });
  // On a line of its own, whatever the file ended with.
  await writeFile(attributes, Buffer.concat([before ?? Buffer.alloc(0), Buffer.from('\n* -diff\n')]));
  try {
    return await action();
  } finally {
    if (before === undefined) await rm(attributes, { force: true });
    else await writeFile(attributes, before);
  }
}

export interface CommitDiffRequest extends CommitRequest {
  /** The commit the change applies to (the checkout's base). */
  base: string;
  /** A binary diff against `base`, as worktreeDiff makes it. */
  diff: string;
}

/**
 * Commits `diff` on top of `base` in the checkout `dir` without touching its worktree, index or branches; returns
 * the commit's SHA. `knownTree`: the tree the diff was taken to, if that was in this checkout (diff-trees.ts).
 */
export async function commitDiff(ctx: ScriptContext, dir: string, request: CommitDiffRequest, knownTree?: string): Promise<string> {
  const gitDir = path.join(dir, '.git');
  // A remembered tree that is not there (the checkout was made again since the diff was taken) is made again.
  const tree = knownTree !== undefined && (await looseObjectExists(gitDir, knownTree)) ? knownTree : await applyDiff(ctx, dir, request);
  const message = cleanupWhitespace(request.message);
  const key = request.signingKey;
  const sign: CommitSigner | undefined = key === undefined ? undefined : (content) => sshSign(ctx, key, content);
  if (writtenAsGitWould({ author: request.author, message })) {
    return writeCommitObject(gitDir, { tree, parent: request.base, author: request.author, time: request.time, message }, sign);
  }
  const out = await runGitProcess('commit-tree', 'git', ['commit-tree', tree, '-p', request.base, '-F', '-'], {
    ...ctx,
    cwd: dir,
    extraEnv: commitIdentity(request),
    input: message,
  });
  const unsigned = out.toString('utf8').trim();
  // git's own signing would run the gpg.ssh.program of the checkout's config: fleetmod signs git's commit itself.
  return sign ? signCommitObject(gitDir, unsigned, sign) : unsigned;
}

/** The tree `diff` gives on `base` (written into the checkout's object store). */
async function applyDiff(ctx: ScriptContext, dir: string, request: CommitDiffRequest): Promise<string> {
  return withScratch(GIT_SCRATCH_PREFIXES[1], async (tmp) => {
    await writeFile(path.join(tmp, 'change.patch'), request.diff);
    const out = await runGitScript('commit', APPLY_SCRIPT, { ...ctx, cwd: dir, args: [tmp, request.base] });
    return out.trim();
  });
}

function commitIdentity(request: CommitRequest): Record<string, string> {
  const date = `${Math.floor(request.time / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: request.author.name,
    GIT_AUTHOR_EMAIL: request.author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: request.author.name,
    GIT_COMMITTER_EMAIL: request.author.email,
    GIT_COMMITTER_DATE: date,
  };
}

/**
 * What `git commit --cleanup=whitespace` does to a message (git's strbuf_stripspace without comment stripping):
 * trailing whitespace off every line, runs of empty lines collapsed to one, no empty lines at the start or the
 * end, and a final newline. Commits made from this message are byte for byte those `git commit` made.
 */
export function cleanupWhitespace(message: string): string {
  const out: string[] = [];
  let empties = 0;
  for (const line of message.split('\n')) {
    const trimmed = line.replace(/[ \t\n\v\f\r]+$/, '');
    if (trimmed === '') {
      empties += 1;
      continue;
    }
    if (empties > 0 && out.length > 0) out.push('');
    out.push(trimmed);
    empties = 0;
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

async function withScratch<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeOwnedTempDir(os.tmpdir(), prefix);
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
