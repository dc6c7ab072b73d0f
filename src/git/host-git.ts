/**
 * Git on the host, with the pinned safe configuration. This is the only code that talks to remotes and the only
 * code that ever holds push credentials (passed per call as an HTTP header through the environment, so the token
 * is not in argv, not in `.git/config`, and not in any sandbox).
 *
 * Most commands go through simple-git. The ones every repository of every run needs — the clones, the push, the
 * look at the remote and the mirror's fetch — are spawned directly (git-process.ts), like the diff and commit
 * scripts: simple-git's per-call work (an instance, its plugins, checking each of the pinned settings and
 * variables) cost about 1 ms of CPU per call, and its session needs a `setsid` program in front of git, where
 * Node's spawn makes the session itself. Both kinds run with the same settings, environment and session rules.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { FleetmodError, GitFailed } from '../domain/errors.js';
import type { Identity } from '../manifest/job.js';
import { commitDiff, worktreeDiffScript, type CommitDiffRequest } from './change-scripts.js';
import { classifyGitError } from './classify-git-error.js';
import { createDiffTrees } from './diff-trees.js';
import { endGitSessions } from './end-git-sessions.js';
import { gitConfigEnv, runGitProcess } from './git-process.js';
import { cloneTemplate } from './clone-template.js';
import { readHead } from './read-ref.js';
import { GIT_TIMEOUT_MS, safeGitEnv } from './safe-config.js';

export interface GitAuth {
  /** A full HTTP header line, e.g. "Authorization: Basic …". Never logged. */
  header: string;
}

export interface HostGitOptions {
  env: NodeJS.ProcessEnv;
  /** Per-command timeout: a git process with no output for this long is killed. @default 300000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Folder for the clone template (clone-template.ts); a temporary one when absent. */
  templateDir?: string;
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
  /** SSH key the commit is signed with (an absolute path; ssh-signing.ts); unsigned when absent. */
  signingKey?: string;
}

export interface RemoteState {
  /** The branch the remote's HEAD points at, or null for an empty repository. */
  defaultBranch: string | null;
  /** The commit the remote's HEAD (its default branch) is at, or null for an empty repository. */
  defaultBranchSha: string | null;
  /** SHA of the branch asked about, or null when it does not exist. */
  branchSha: string | null;
}

/** Thrown by push when the remote branch is no longer at the SHA the push was leased on (look again, then decide). */
export class BranchMoved extends FleetmodError {
  override readonly name = 'BranchMoved';
  readonly errorClass = 'transient';
}

export interface RemoteCommit {
  sha: string;
  /** Its parents' SHAs (two or more for a merge). */
  parents: string[];
  authorEmail: string;
  committerEmail: string;
  message: string;
}

export interface HostGit {
  /** SHA of `refs/heads/<branch>` on the remote, or null when the branch does not exist. */
  remoteBranchSha(url: string, branch: string, auth?: GitAuth): Promise<string | null>;
  /** The branch the remote's HEAD points at, or null for an empty repository. */
  remoteDefaultBranch(url: string, auth?: GitAuth): Promise<string | null>;
  /** The default branch (and its commit) and the SHA of `branch` (null: look at none), from one look at the remote. */
  remoteState(url: string, branch: string | null, auth?: GitAuth): Promise<RemoteState>;
  /**
   * Clones one branch of `url` into `dest` (single branch, no tags) — null: the branch the remote's HEAD points
   * at; with `bare`, a bare repository whose `refs/heads/<branch>` is the remote's (the clone cache's mirrors).
   */
  clone(url: string, dest: string, branch: string | null, options?: { auth?: GitAuth; reference?: string; depth?: number; bare?: boolean }): Promise<void>;
  headSha(dir: string): Promise<string>;
  /** Fetches refspecs from `url` into the repository at `dir`; returns what git printed about the transfer. */
  fetchRefs(dir: string, url: string, refspecs: readonly string[], auth?: GitAuth): Promise<string>;
  /** `git diff --binary` of everything in the worktree (new, changed, deleted files) against HEAD. */
  worktreeDiff(dir: string, maxBytes?: number): Promise<string>;
  diffStat(dir: string, from: string, to: string): Promise<DiffStat>;
  /**
   * Commits a binary diff on top of `base` without touching the worktree, its index or any branch; returns the
   * commit's SHA. The same request always makes the same commit. (`branch` is what the commit is for; push names
   * the commit by its SHA.)
   */
  commitDiff(dir: string, request: CommitDiffRequest): Promise<string>;
  /** Fetches a remote branch into `refs/fleetmod/remote` and returns its SHA (null when it does not exist). */
  fetchBranch(dir: string, url: string, branch: string, auth?: GitAuth): Promise<string | null>;
  /** Commits reachable from `tip` but not from `base`, newest first. */
  commitsBetween(dir: string, base: string, tip: string): Promise<RemoteCommit[]>;
  treeSha(dir: string, rev: string): Promise<string>;
  /** Whether the commit `sha` carries a signature (a `gpgsig` header); nothing is verified, no signing program runs. */
  commitIsSigned(dir: string, sha: string): Promise<boolean>;
  /**
   * Pushes `commit` (one commitDiff made in `dir`) to the remote branch `branch`. With
   * `expectedRemoteSha` the push is a --force-with-lease against that SHA (null: the branch must not exist) and
   * throws BranchMoved when the remote branch is elsewhere; without, a plain push that fails if the branch moved.
   * 'up-to-date': the remote branch was at that commit already, so nothing was sent (and no lease checked).
   */
  push(dir: string, url: string, branch: string, commit: string, options: { auth?: GitAuth; expectedRemoteSha?: string | null }): Promise<'pushed' | 'up-to-date'>;
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

/** The per-call setting that carries the auth header, if any. */
function authConfig(auth: GitAuth | undefined): [string, string][] {
  return auth ? [['http.extraHeader', auth.header]] : [];
}

export function createHostGit(options: HostGitOptions): HostGit {
  const env = safeGitEnv(options.env);
  // simple-git's own stop reaches git alone; end-git-sessions.ts says why that can hang and ends the rest.
  options.signal?.addEventListener('abort', () => endGitSessions(), { once: true });
  const binary = gitBinary();
  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  const template = cloneTemplate(options.templateDir);

  const git = (dir?: string, auth?: GitAuth): SimpleGit => {
    // The pinned settings and the auth header reach git the way they reach a directly spawned one (git-process.ts).
    const configEnv = gitConfigEnv(authConfig(auth));
    const instance = simpleGit({
      ...(dir && { baseDir: dir }),
      binary,
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
        // GIT_CONFIG_COUNT/KEY/VALUE carry only SAFE_GIT_CONFIG and the auth header; safeGitEnv drops any the user had.
        allowUnsafeConfigEnvCount: true,
        // Only ever fleetmod's own template (clone-template.ts), set by this module.
        allowUnsafeTemplateDir: true,
      },
      // simple-git guards git-related variables; every variable we pass was chosen by safeGitEnv or is set by this
      // module on purpose (identity, index file, auth header), so all of them are allowed.
      allowEnvironment: [...Object.keys(env), ...Object.keys(configEnv), ...EXTRA_ENV_KEYS],
    } as Parameters<typeof simpleGit>[0]);
    return instance.env({ ...env, ...configEnv });
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

  /** A git command of the per-repository path, spawned directly (see the file comment). */
  const direct = async (dir: string | undefined, args: string[], auth?: GitAuth): Promise<string> => {
    const out = await runGitProcess(args[0] ?? 'command', 'git', args, {
      ...(dir !== undefined && { cwd: dir }),
      env,
      extraConfig: authConfig(auth),
      timeoutMs,
      ...(options.signal && { signal: options.signal }),
    });
    return out.toString('utf8');
  };

  // The plumbing of the hot paths (taking the diff, making the commit) runs as one script each
  // (change-scripts.ts): one process instead of four or five simple-git calls per repository.
  const scripts = { env, timeoutMs, ...(options.signal && { signal: options.signal }) };
  const diffTrees = createDiffTrees();

  const lsRemote = async (url: string, branch: string | null, auth?: GitAuth) => {
    const out = await direct(undefined, ['ls-remote', '--symref', '--', url, 'HEAD', ...(branch === null ? [] : [`refs/heads/${branch}`])], auth);
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
    const line = branch === null ? undefined : out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
    const head = /^([0-9a-f]{40,64})\tHEAD$/m.exec(out);
    return {
      // A server that does not advertise HEAD's target (very old ones) still has a default branch when it has refs.
      defaultBranch: symref ? (symref[1] as string) : out.trim() === '' ? null : 'main',
      defaultBranchSha: head ? (head[1] as string) : null,
      branchSha: line ? (line.split('\t')[0] as string) : null,
    };
  };

  const hostGit: HostGit = {
    async remoteBranchSha(url, branch, auth) {
      return (await lsRemote(url, branch, auth)).branchSha;
    },

    async remoteDefaultBranch(url, auth) {
      return (await lsRemote(url, null, auth)).defaultBranch;
    },

    remoteState: (url, branch, auth) => lsRemote(url, branch, auth),

    async clone(url, dest, branch, cloneOptions = {}) {
      // fleetmod's template (clone-template.ts): no filter runs on the host, and no sample hooks are copied into every
      // checkout (they never run, but cost a dozen files each). --quiet: without it a failed clone's message starts
      // with git's "Cloning into '<temporary folder>'..." and the cause is on a line the progress and report never show.
      const args = ['clone', '--quiet', `--template=${await template()}`, '--no-tags', '--single-branch', ...(branch === null ? [] : ['--branch', branch])];
      if (cloneOptions.bare) args.push('--bare');
      if (cloneOptions.depth) args.push('--depth', String(cloneOptions.depth));
      if (cloneOptions.reference) args.push('--reference-if-able', cloneOptions.reference, '--dissociate');
      if (!/^[a-z+]+:\/\//i.test(url) && !/^[^/]+@[^/]+:/.test(url)) args.push('--no-hardlinks');
      args.push('--', url, dest);
      await direct(undefined, args, cloneOptions.auth);
    },

    async headSha(dir) {
      // Read from the files when they say it plainly (a fresh clone's do): no git process for it.
      return (await readHead(path.join(dir, '.git'))) ?? (await raw(dir, ['rev-parse', 'HEAD'])).trim();
    },

    async fetchRefs(dir, url, refspecs, auth) {
      // --no-write-fetch-head: several checkouts may read the mirror while this runs; nothing else is written.
      return direct(dir, ['fetch', '--verbose', '--no-tags', '--prune', '--no-write-fetch-head', '--no-recurse-submodules', '--', url, ...refspecs], auth);
    },

    async worktreeDiff(dir, maxBytes) {
      const head = await readHead(path.join(dir, '.git'));
      const { tree, diff } = await worktreeDiffScript(scripts, dir, maxBytes);
      if (head !== null) diffTrees.remember(dir, head, diff, tree);
      return diff;
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

    commitDiff: (dir, request) => commitDiff(scripts, dir, request, diffTrees.take(dir, request.base, request.diff)),

    async fetchBranch(dir, url, branch, auth) {
      try {
        await raw(dir, ['fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--', url, `+refs/heads/${branch}:refs/fleetmod/remote`], auth);
      } catch (err) {
        if (err instanceof GitFailed && /couldn't find remote ref/i.test(err.message)) return null;
        throw err;
      }
      return (await raw(dir, ['rev-parse', 'refs/fleetmod/remote'])).trim();
    },

    async commitsBetween(dir, base, tip) {
      const out = await raw(dir, ['log', '--format=%H%x1f%P%x1f%ae%x1f%ce%x1f%B%x1e', `${base}..${tip}`]);
      return out
        .split('\x1e')
        .map((chunk) => chunk.trim())
        .filter(Boolean)
        .map((chunk) => {
          const [sha, parents, authorEmail, committerEmail, message] = chunk.split('\x1f');
          return {
            sha: sha as string,
            parents: (parents ?? '').split(' ').filter(Boolean),
            authorEmail: authorEmail as string,
            committerEmail: committerEmail as string,
            message: (message ?? '').trim(),
          };
        });
    },

    async treeSha(dir, rev) {
      return (await raw(dir, ['rev-parse', `${rev}^{tree}`])).trim();
    },

    async commitIsSigned(dir, sha) {
      const content = await raw(dir, ['cat-file', 'commit', sha]);
      const headers = content.slice(0, content.indexOf('\n\n') + 1);
      return /^gpgsig(-sha256)? /m.test(headers);
    },

    async push(dir, url, branch, commit, pushOptions) {
      const args = ['push', '--porcelain', '--no-verify', '--no-recurse-submodules'];
      if (pushOptions.expectedRemoteSha !== undefined) {
        args.push(`--force-with-lease=refs/heads/${branch}:${pushOptions.expectedRemoteSha ?? ''}`);
      }
      args.push('--', url, `${commit}:refs/heads/${branch}`);
      try {
        const out = await direct(dir, args, pushOptions.auth);
        // --porcelain: one line per ref, flag first; "=" is a ref that was up to date.
        return /^=\t/m.test(out) ? 'up-to-date' : 'pushed';
      } catch (err) {
        // --porcelain reports a lease that no longer holds as "[rejected] (stale info)".
        if (err instanceof GitFailed && /\(stale info\)/.test(err.message)) throw new BranchMoved(err.message, { cause: err });
        throw err;
      }
    },
  };
  return hostGit;
}
