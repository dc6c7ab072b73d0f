/**
 * Resolves the manifest's `repos` entries into concrete repositories: reads `file:` lists, asks the GitHub
 * selector resolver for `github:` entries and filters what it lists (github-filter.ts), and removes duplicates
 * (repo-dedup.ts). Every repository left out is returned with the reason, for `plan`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { githubEndpoint } from '../codehost/github/endpoint.js';
import { expandHome } from '../util/home-path.js';
import type { RepoRef } from '../domain/repo.js';
import { withoutByteOrderMark } from '../util/byte-order-mark.js';
import type { Diagnostic } from './diagnostics.js';
import { selectGithubRepos, type GithubRepoListing } from './github-filter.js';
import type { GithubSelector, Job } from './job.js';
import { createMissingLocalWarnings } from './local-repo-check.js';
import { createRepoAdder } from './repo-dedup.js';
import { repoIdentity } from './repo-identity.js';
import { localOwnerAndName, parseRepoString, quotedUrl } from './repo-string.js';

export type { GithubRepoListing } from './github-filter.js';

/**
 * Lists the repositories a GitHub selector's source names: every repository of `org` or `user`, or the results of
 * `search` (limited to org/user when given). Implemented by the GitHub code host. It should return each
 * repository's `archived`, `fork` and `topics` as GitHub reports them; fleetmod applies the selector's topics,
 * include/exclude, archived, forks and limit itself.
 */
export interface GithubSelectorResolver {
  resolve(selector: GithubSelector, signal?: AbortSignal): Promise<GithubRepoListing[]>;
}

export interface ResolveReposOptions {
  env: NodeJS.ProcessEnv;
  github?: GithubSelectorResolver;
  /** Leave `github:` selectors out instead of failing without a resolver (validate: no network). */
  deferSelectors?: boolean;
  signal?: AbortSignal;
  /** Name of the manifest in diagnostics. */
  displayPath?: string;
}

/** A repository the manifest names that will not be a task, and why. */
export interface ExcludedRepo {
  display: string;
  reason: string;
  origin: Origin;
}

export interface ResolvedRepos {
  repos: RepoRef[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
  excluded: ExcludedRepo[];
  /** `github:` selectors left out because `deferSelectors` was set. */
  deferredSelectors: number;
  /**
   * What GitHub listed of each repository a `github:` selector brought in, by key: `plan` tells from it which of
   * them the run will skip when it reads them (archived, empty).
   */
  githubListings: Map<string, GithubRepoListing>;
}

export interface Origin {
  file: string;
  line: number;
  col: number;
}

export async function resolveRepos(job: Job, options: ResolveReposOptions): Promise<ResolvedRepos> {
  const display = options.displayPath ?? job.displayPath;
  const out: ResolvedRepos = { repos: [], errors: [], warnings: [], excluded: [], deferredSelectors: 0, githubListings: new Map() };
  // The same rule as the GitHub code host: the manifest's api-url/server-url pair wins over the environment's.
  const serverUrl = githubEndpoint(job, options.env).serverUrl;
  const once = createRepoAdder(out, repoIdentity);
  const missingLocal = createMissingLocalWarnings(out.warnings);
  const add: Collector['add'] = (repo, origin) => {
    if (repo.skip === undefined) missingLocal.check(repo, origin);
    once.add(repo, origin);
  };
  const error: Collector['error'] = (origin, message) => out.errors.push({ ...origin, severity: 'error', message });
  const collector: Collector = { add, error, warnings: out.warnings, serverUrl, env: options.env };

  for (const entry of job.repos) {
    const origin: Origin = { file: display, line: entry.pos?.line ?? 1, col: entry.pos?.col ?? 1 };
    if (entry.kind === 'repo') {
      const repo = toRepoRef(entry.value, job.dir, serverUrl, options.env, {
        ...(entry.base && { base: entry.base }),
        env: entry.env,
        ...(entry.skip && { skip: entry.skip }),
      });
      if ('error' in repo) error(origin, repo.error);
      else add(repo, origin);
    } else if (entry.kind === 'file') {
      await readRepoList(job, entry.file, display, origin, collector);
    } else if (options.github) {
      try {
        const listed = await options.github.resolve(entry.selector, options.signal);
        const selected = selectGithubRepos(entry.selector, listed);
        for (const r of selected.dropped) out.excluded.push({ display: `${r.repo.owner}/${r.repo.name}`, reason: r.reason, origin });
        if (selected.kept.length === 0) {
          const why = listed.length === 0 ? 'GitHub listed none for it' : `${listed.length} listed, all filtered out`;
          out.warnings.push({ ...origin, severity: 'warning', message: `this github selector matches no repository (${why})` });
        }
        for (const r of selected.kept) {
          const repo = githubRepo(r.owner, r.name, serverUrl, { env: {} });
          out.githubListings.set(repo.key, r);
          add(repo, origin);
        }
      } catch (err) {
        error(origin, `github selector failed: ${(err as Error).message}`);
      }
    } else if (options.deferSelectors) {
      out.deferredSelectors += 1;
    } else {
      error(origin, 'a github: selector needs GitHub access: set GITHUB_TOKEN (or GH_TOKEN) so repositories can be listed');
    }
  }
  missingLocal.finish();
  once.finish();
  return out;
}

/** Where resolved entries go, and what resolving them needs. */
interface Collector {
  add(repo: RepoRef, origin: Origin): void;
  error(origin: Origin, message: string): void;
  warnings: Diagnostic[];
  serverUrl: string;
  env: NodeJS.ProcessEnv;
}

async function readRepoList(job: Job, file: string, display: string, origin: Origin, out: Collector): Promise<void> {
  const listFile = path.resolve(job.dir, file);
  let text: string;
  try {
    text = withoutByteOrderMark(await readFile(listFile, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    out.error(origin, `repos file "${file}" ${code === 'ENOENT' ? 'does not exist next to the manifest' : code === 'EISDIR' ? 'is a folder' : 'cannot be read'}`);
    return;
  }
  // Positions inside the list are shown relative to where the user named the manifest.
  const shown = path.isAbsolute(file) ? file : path.join(path.dirname(display), file).split(path.sep).join('/');
  let count = 0;
  // Lists written on Windows end their lines with CR LF; a CR left on the line would keep its comment.
  for (const [lineIndex, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (!line) continue;
    count += 1;
    const at: Origin = { file: shown, line: lineIndex + 1, col: rawLine.indexOf(line) + 1 };
    const repo = toRepoRef(line, path.dirname(listFile), out.serverUrl, out.env, { env: {} });
    if ('error' in repo) out.error(at, repo.error);
    else out.add(repo, at);
  }
  if (count === 0) out.warnings.push({ ...origin, severity: 'warning', message: `repos file "${file}" lists no repository` });
}

interface Overrides {
  base?: string;
  env: Record<string, string>;
  skip?: string;
}

export function toRepoRef(
  value: string,
  baseDir: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  overrides: Overrides,
): RepoRef | { error: string } {
  const parsed = parseRepoString(value);
  if (!parsed.ok) return { error: parsed.error };
  if (parsed.kind === 'github') return githubRepo(parsed.owner, parsed.name, serverUrl, overrides);
  if (parsed.kind === 'url') {
    const github = githubFromUrl(parsed.url, serverUrl);
    if (github && 'page' in github) return { error: `${quotedUrl(parsed.url)} is a page on ${serverUrl}, not a repository; ${github.page}` };
    if (github) return githubRepo(github.owner, github.name, serverUrl, overrides);
    return { key: parsed.url, url: parsed.url, kind: 'git', owner: parsed.owner, name: parsed.name, display: parsed.display, ...overrides };
  }
  const absolute = path.resolve(baseDir, expandHome(parsed.path, env));
  const { owner, name } = localOwnerAndName(absolute);
  return { key: absolute, url: absolute, kind: 'local', owner, name, display: `${owner}/${name}`, ...overrides };
}

function githubRepo(owner: string, name: string, serverUrl: string, overrides: Overrides): RepoRef {
  const key = `${owner}/${name}`;
  return { key, url: `${serverUrl}/${owner}/${name}.git`, kind: 'github', owner, name, display: key, ...overrides };
}

/**
 * Recognises URLs that point at the configured GitHub server, so they get PRs like the shorthand does and count as
 * the same repository as its `owner/name` (a duplicate runs once). Like the shorthand, they are cloned from the server.
 * An https URL there with a longer path is a page copied from the browser (`/acme/widget/tree/main`): cloning it
 * fails in every run, so it comes back as a `page` with what to write instead.
 */
function githubFromUrl(url: string, serverUrl: string): { owner: string; name: string } | { page: string } | undefined {
  const repoPath = pathOnServer(url, serverUrl);
  if (repoPath === undefined) return undefined;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(repoPath);
  if (match) return { owner: match[1] as string, name: match[2] as string };
  if (!url.startsWith(`${serverUrl}/`)) return undefined;
  const page = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?[/#]/.exec(repoPath);
  return { page: page ? `write ${page[1]}/${page[2]}` : 'write owner/name' };
}

/**
 * The path of `url` on the GitHub server: `<server-url>/owner/name`, or one of the SSH forms GitHub shows for cloning,
 * `git@host:owner/name.git` and `ssh://git@host/owner/name.git` (any user and SSH port; host as in server-url).
 */
function pathOnServer(url: string, serverUrl: string): string | undefined {
  const prefix = `${serverUrl}/`;
  if (url.startsWith(prefix)) return url.slice(prefix.length);
  const host = URL.canParse(serverUrl) ? new URL(serverUrl).hostname.toLowerCase() : undefined;
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(url) ?? /^[^@/:]+@([^/:]+):(?!\/)(.+)$/.exec(url);
  return ssh && ssh[1]?.toLowerCase() === host ? ssh[2] : undefined;
}
