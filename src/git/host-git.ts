/**
 * Git on the host, through simple-git, with the pinned safe configuration. This is the only code that talks to
 * remotes and the only code that ever holds push credentials (passed per call as an HTTP header through the
 * environment, so the token is not in argv, not in `.git/config`, and not in any sandbox).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitFailed } from '../domain/errors.js';
import type { Identity } from '../manifest/job.js';
import { classifyGitError } from './classify-git-error.js';
import { SAFE_GIT_CONFIG, safeGitEnv } from './safe-config.js';

export interface GitAuth {
  /** A full HTTP header line, e.g. "Authorization: Basic …". Never logged. */
  header: string;
}

export interface HostGitOptions {
  env: NodeJS.ProcessEnv;
  /** Per-command timeout: a git process with no output for this long is killed. @default 300000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
}

export interface CommitRequest {
  branch: string;
  message: string;
  author: Identity;
  /** Author and committer time in ms: a commit re-made from the same diff gets the same SHA. */
  time: number;
}

export interface RemoteCommit {
  sha: string;
  authorEmail: string;
  message: string;
}

export interface HostGit {
  /** SHA of `refs/heads/<branch>` on the remote, or null when the branch does not exist. */
  remoteBranchSha(url: string, branch: string, auth?: GitAuth): Promise<string | null>;
  /** The branch the remote's HEAD points at, or null for an empty repository. */
  remoteDefaultBranch(url: string, auth?: GitAuth): Promise<string | null>;
  /** Clones one branch of `url` into `dest` (single branch, no tags). */
  clone(url: string, dest: string, branch: string, options?: { auth?: GitAuth; reference?: string; depth?: number }): Promise<void>;
  headSha(dir: string): Promise<string>;
  /** Creates an empty bare repository (for the clone cache). */
  initBare(dir: string): Promise<void>;
  /** Fetches refspecs from `url` into the repository at `dir`; returns what git printed about the transfer. */
  fetchRefs(dir: string, url: string, refspecs: readonly string[], auth?: GitAuth): Promise<string>;
  /** `git diff --binary` of everything in the worktree (new, changed, deleted files) against HEAD. */
  worktreeDiff(dir: string): Promise<string>;
  /** Throws away every change in the worktree, untracked and ignored files included. */
  resetHard(dir: string): Promise<void>;
  /** Applies a binary diff to the worktree and the index. */
  applyDiff(dir: string, diff: string): Promise<void>;
  diffStat(dir: string, from: string, to: string): Promise<DiffStat>;
  /** Creates (or resets) `branch` at HEAD, commits the index, returns the new commit's SHA. */
  commit(dir: string, request: CommitRequest): Promise<string>;
  /** Fetches a remote branch into `refs/fleetmod/remote` and returns its SHA (null when it does not exist). */
  fetchBranch(dir: string, url: string, branch: string, auth?: GitAuth): Promise<string | null>;
  /** Commits reachable from `tip` but not from `base`, newest first. */
  commitsBetween(dir: string, base: string, tip: string): Promise<RemoteCommit[]>;
  treeSha(dir: string, rev: string): Promise<string>;
  /**
   * Pushes HEAD to `branch`. With `expectedRemoteSha` the push is a --force-with-lease against that SHA; without,
   * a plain push that fails if the branch moved.
   */
  push(dir: string, url: string, branch: string, options: { auth?: GitAuth; expectedRemoteSha?: string | null }): Promise<void>;
}

/** Variables set per command (commit identity, throw-away index); allowed through simple-git's guard. */
const EXTRA_ENV_KEYS = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE', 'GIT_INDEX_FILE'];

/**
 * Host git runs in a session of its own (setsid), so a Ctrl-C in the terminal — which signals the whole foreground
 * process group — reaches fleetmod only and a graceful stop can let running clones and pushes finish.
 */
function gitBinary(): [string] | [string, string] {
  return existsSync('/usr/bin/setsid') ? ['/usr/bin/setsid', 'git'] : ['git'];
}

export function createHostGit(options: HostGitOptions): HostGit {
  const env = safeGitEnv(options.env);
  const binary = gitBinary();
  const timeoutMs = options.timeoutMs ?? 300_000;

  const git = (dir?: string, auth?: GitAuth): SimpleGit => {
    const authEnv: Record<string, string> = auth
      ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: auth.header }
      : {};
    const instance = simpleGit({
      ...(dir && { baseDir: dir }),
      binary,
      config: [...SAFE_GIT_CONFIG],
      timeout: { block: timeoutMs },
      // Finish when git's output is closed, not 50 ms after it exited (simple-git's default): under load the output
      // can still be in flight then, and an ls-remote or rev-parse would come back empty.
      completion: { onClose: true, onExit: false },
      // simple-git treats a failure as success unless git also printed to stderr, and a git killed by a signal
      // (exit code null) as success with empty output: an empty ls-remote would then read as "no such branch".
      errors: (error, result) => {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
        const how = typeof result.exitCode === 'number' ? `exited with code ${result.exitCode}` : 'was killed by a signal';
        return new Error(`git ${how}${stderr ? `: ${stderr}` : ''}`);
      },
      ...(options.signal && { abort: options.signal }),
      unsafe: {
        allowUnsafeHooksPath: true,
        allowUnsafeFsMonitor: true,
        allowUnsafePager: true,
        allowUnsafeEditor: true,
        allowUnsafeDiffExternal: true,
        allowUnsafeProtocolOverride: true,
        allowUnsafeAskPass: true,
        // GIT_CONFIG_GLOBAL / GIT_CONFIG_SYSTEM come only from the user's own environment (safeGitEnv).
        allowUnsafeConfigPaths: true,
        // GIT_CONFIG_COUNT/KEY/VALUE carry only the auth header set below; safeGitEnv drops any the user had.
        allowUnsafeConfigEnvCount: true,
      },
      // simple-git guards git-related variables; every variable we pass was chosen by safeGitEnv or is set by this
      // module on purpose (identity, index file, auth header), so all of them are allowed.
      allowEnvironment: [...Object.keys(env), ...Object.keys(authEnv), ...EXTRA_ENV_KEYS],
    } as Parameters<typeof simpleGit>[0]);
    return instance.env({ ...env, ...authEnv });
  };

  const run = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new GitFailed(`git ${what} failed: ${text.trim()}`, classifyGitError(text), { cause: err });
    }
  };

  const raw = (dir: string | undefined, args: string[], auth?: GitAuth) => run(args[0] ?? 'command', () => git(dir, auth).raw(args));

  const hostGit: HostGit = {
    async remoteBranchSha(url, branch, auth) {
      const out = await raw(undefined, ['ls-remote', '--heads', '--', url, `refs/heads/${branch}`], auth);
      const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
      return line ? (line.split('\t')[0] as string) : null;
    },

    async remoteDefaultBranch(url, auth) {
      const out = await raw(undefined, ['ls-remote', '--symref', '--', url, 'HEAD'], auth);
      const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
      if (match) return match[1] as string;
      return out.trim() === '' ? null : 'main';
    },

    async clone(url, dest, branch, cloneOptions = {}) {
      const args = ['clone', '--quiet', '--no-tags', '--single-branch', '--branch', branch];
      if (cloneOptions.depth) args.push('--depth', String(cloneOptions.depth));
      if (cloneOptions.reference) args.push('--reference-if-able', cloneOptions.reference, '--dissociate');
      if (!/^[a-z+]+:\/\//i.test(url) && !/^[^/]+@[^/]+:/.test(url)) args.push('--no-hardlinks');
      args.push('--', url, dest);
      await raw(undefined, args, cloneOptions.auth);
    },

    async headSha(dir) {
      return (await raw(dir, ['rev-parse', 'HEAD'])).trim();
    },

    async initBare(dir) {
      await raw(undefined, ['init', '--quiet', '--bare', '--', dir]);
    },

    async fetchRefs(dir, url, refspecs, auth) {
      // --no-write-fetch-head: several checkouts may read the mirror while this runs; nothing else is written.
      return raw(dir, ['fetch', '--no-tags', '--prune', '--no-write-fetch-head', '--', url, ...refspecs], auth);
    },

    async worktreeDiff(dir) {
      // A throw-away index keeps the checkout's own index untouched; `add -A` records symlinks as links and
      // never follows them.
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-index-'));
      const index = path.join(tmp, 'index');
      try {
        const g = () => git(dir).env({ ...env, GIT_INDEX_FILE: index });
        await run('read-tree', () => g().raw(['read-tree', 'HEAD']));
        await run('add', () => g().raw(['add', '--all', '--force', '--', '.']));
        return await run('diff', () =>
          g().raw(['diff', '--cached', '--binary', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv',
            '--no-renames', 'HEAD']),
        );
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },

    async resetHard(dir) {
      await raw(dir, ['reset', '--quiet', '--hard', 'HEAD']);
      await raw(dir, ['clean', '-q', '-ffdx']);
    },

    async applyDiff(dir, diff) {
      if (diff.trim() === '') return;
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-patch-'));
      const file = path.join(tmp, 'change.patch');
      try {
        await writeFile(file, diff);
        await raw(dir, ['apply', '--index', '--binary', '--whitespace=nowarn', '--', file]);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },

    async diffStat(dir, from, to) {
      const out = await raw(dir, ['diff', '--numstat', '--no-renames', from, to]);
      const stat = { files: 0, insertions: 0, deletions: 0 };
      for (const line of out.split('\n')) {
        if (!line.trim()) continue;
        const [added, removed] = line.split('\t');
        stat.files += 1;
        stat.insertions += added === '-' ? 0 : Number(added);
        stat.deletions += removed === '-' ? 0 : Number(removed);
      }
      return stat;
    },

    async commit(dir, request) {
      const date = `${Math.floor(request.time / 1000)} +0000`;
      const identity = {
        GIT_AUTHOR_NAME: request.author.name,
        GIT_AUTHOR_EMAIL: request.author.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: request.author.name,
        GIT_COMMITTER_EMAIL: request.author.email,
        GIT_COMMITTER_DATE: date,
      };
      await raw(dir, ['checkout', '--quiet', '-B', request.branch]);
      await run('commit', () =>
        git(dir)
          .env({ ...env, ...identity })
          .raw(['commit', '--quiet', '--no-verify', '--cleanup=whitespace', '-m', request.message]),
      );
      return hostGit.headSha(dir);
    },

    async fetchBranch(dir, url, branch, auth) {
      const exists = await hostGit.remoteBranchSha(url, branch, auth);
      if (!exists) return null;
      await raw(dir, ['fetch', '--quiet', '--no-tags', '--', url, `+refs/heads/${branch}:refs/fleetmod/remote`], auth);
      return (await raw(dir, ['rev-parse', 'refs/fleetmod/remote'])).trim();
    },

    async commitsBetween(dir, base, tip) {
      const out = await raw(dir, ['log', '--format=%H%x1f%ae%x1f%B%x1e', `${base}..${tip}`]);
      return out
        .split('\x1e')
        .map((chunk) => chunk.trim())
        .filter(Boolean)
        .map((chunk) => {
          const [sha, authorEmail, message] = chunk.split('\x1f');
          return { sha: sha as string, authorEmail: authorEmail as string, message: (message ?? '').trim() };
        });
    },

    async treeSha(dir, rev) {
      return (await raw(dir, ['rev-parse', `${rev}^{tree}`])).trim();
    },

    async push(dir, url, branch, pushOptions) {
      const args = ['push', '--quiet', '--porcelain', '--no-verify'];
      if (pushOptions.expectedRemoteSha !== undefined) {
        args.push(`--force-with-lease=refs/heads/${branch}:${pushOptions.expectedRemoteSha ?? ''}`);
      }
      args.push('--', url, `HEAD:refs/heads/${branch}`);
      await raw(dir, args, pushOptions.auth);
    },
  };
  return hostGit;
}
