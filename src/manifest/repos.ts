/**
 * Resolves the manifest's `repos` entries into concrete repositories: reads `file:` lists, asks the GitHub
 * selector resolver for `github:` entries, removes duplicates (with a warning naming both places).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RepoRef } from '../domain/repo.js';
import type { Diagnostic } from './diagnostics.js';
import type { GithubSelector, Job } from './job.js';
import { parseRepoString } from './repo-string.js';

/** Lists repositories matching a GitHub selector (implemented by the GitHub code host). */
export interface GithubSelectorResolver {
  resolve(
    selector: GithubSelector,
    signal?: AbortSignal,
  ): Promise<{ owner: string; name: string; archived?: boolean; fork?: boolean; topics?: string[] }[]>;
}

export interface ResolveReposOptions {
  env: NodeJS.ProcessEnv;
  github?: GithubSelectorResolver;
  signal?: AbortSignal;
  /** Name of the manifest in diagnostics. */
  displayPath?: string;
}

export interface ResolvedRepos {
  repos: RepoRef[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

interface Origin {
  file: string;
  line: number;
  col: number;
}

export async function resolveRepos(job: Job, options: ResolveReposOptions): Promise<ResolvedRepos> {
  const display = options.displayPath ?? job.displayPath;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const byKey = new Map<string, { repo: RepoRef; origin: Origin }>();
  const serverUrl = (job.github.serverUrl ?? options.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');

  const add = (repo: RepoRef, origin: Origin) => {
    const identity = repo.kind === 'github' ? repo.key.toLowerCase() : repo.key;
    const existing = byKey.get(identity);
    if (existing) {
      warnings.push({
        ...origin,
        severity: 'warning',
        message: `duplicate repository ${repo.key} (also listed at ${where(existing.origin)}); it runs once`,
      });
      return;
    }
    byKey.set(identity, { repo, origin });
  };

  for (const entry of job.repos) {
    const origin: Origin = { file: display, line: entry.pos?.line ?? 1, col: entry.pos?.col ?? 1 };
    if (entry.kind === 'repo') {
      const repo = toRepoRef(entry.value, job.dir, serverUrl, options.env, {
        ...(entry.base && { base: entry.base }),
        env: entry.env,
        ...(entry.skip && { skip: entry.skip }),
      });
      if ('error' in repo) errors.push({ ...origin, severity: 'error', message: repo.error });
      else add(repo, origin);
    } else if (entry.kind === 'file') {
      const listFile = path.resolve(job.dir, entry.file);
      let text: string;
      try {
        text = await readFile(listFile, 'utf8');
      } catch {
        errors.push({ ...origin, severity: 'error', message: `repos file "${entry.file}" cannot be read` });
        continue;
      }
      const shown = path.relative(process.cwd(), listFile) || listFile;
      for (const [lineIndex, rawLine] of text.split('\n').entries()) {
        const line = rawLine.replace(/#.*$/, '').trim();
        if (!line) continue;
        const at: Origin = { file: shown, line: lineIndex + 1, col: rawLine.indexOf(line) + 1 };
        const repo = toRepoRef(line, path.dirname(listFile), serverUrl, options.env, { env: {} });
        if ('error' in repo) errors.push({ ...at, severity: 'error', message: repo.error });
        else add(repo, at);
      }
    } else {
      if (!options.github) {
        errors.push({
          ...origin,
          severity: 'error',
          message: 'a github: selector needs GitHub access: set GITHUB_TOKEN (or GH_TOKEN) so repositories can be listed',
        });
        continue;
      }
      try {
        const found = await options.github.resolve(entry.selector, options.signal);
        for (const r of found) {
          add(githubRepo(r.owner, r.name, serverUrl, { env: {} }), origin);
        }
      } catch (err) {
        errors.push({ ...origin, severity: 'error', message: `github selector failed: ${(err as Error).message}` });
      }
    }
  }
  return { repos: [...byKey.values()].map((v) => v.repo), errors, warnings };
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
    if (github) return githubRepo(github.owner, github.name, serverUrl, overrides);
    const host = /^[a-z+]+:\/\/([^/@]*@)?([^/:]+)/i.exec(parsed.url)?.[2] ?? /@([^:]+):/.exec(parsed.url)?.[1] ?? 'git';
    const display = parsed.url.startsWith('file:') ? `${parsed.owner}/${parsed.name}` : `${host}/${parsed.owner}/${parsed.name}`;
    return { key: parsed.url, url: parsed.url, kind: 'git', owner: parsed.owner, name: parsed.name, display, ...overrides };
  }
  const home = env.HOME ?? os.homedir();
  const expanded = parsed.path.startsWith('~/') ? path.join(home, parsed.path.slice(2)) : parsed.path;
  const absolute = path.resolve(baseDir, expanded);
  return { key: absolute, url: absolute, kind: 'local', owner: parsed.owner, name: parsed.name, display: `${parsed.owner}/${parsed.name}`, ...overrides };
}

function githubRepo(owner: string, name: string, serverUrl: string, overrides: Overrides): RepoRef {
  const key = `${owner}/${name}`;
  return { key, url: `${serverUrl}/${owner}/${name}.git`, kind: 'github', owner, name, display: key, ...overrides };
}

/** Recognises URLs that point at the configured GitHub server, so they get PRs like the shorthand does. */
function githubFromUrl(url: string, serverUrl: string): { owner: string; name: string } | undefined {
  const prefix = `${serverUrl}/`;
  if (!url.startsWith(prefix)) return undefined;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(url.slice(prefix.length));
  return match ? { owner: match[1] as string, name: match[2] as string } : undefined;
}

function where(origin: Origin): string {
  return `${origin.file}:${origin.line}:${origin.col}`;
}
