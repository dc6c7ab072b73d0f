/**
 * Whether two entries name the same repository. The entry's own text is kept for cloning; this identity only
 * decides duplicates, so spellings that reach the same repository must agree: a trailing `.git` or `/`, the case
 * of scheme and host, a default port, `file:///p` and `/p`, and `git@host:path` and `ssh://git@host/path`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepoRef } from '../domain/repo.js';

export function repoIdentity(repo: RepoRef): string {
  if (repo.kind === 'github') return `github:${repo.key.toLowerCase()}`;
  if (repo.kind === 'local') return `path:${path.resolve(repo.url)}`;
  return gitUrlIdentity(repo.url);
}

function gitUrlIdentity(url: string): string {
  if (/^file:/i.test(url)) {
    // A file: URL with a host other than localhost names no path on this machine; it only equals itself.
    try {
      return `path:${path.resolve(fileURLToPath(url))}`;
    } catch {
      return `url:${url}`;
    }
  }
  const scp = /^([^@/:]+)@([^/:]+):(?!\/)(.*)$/.exec(url);
  const asUrl = scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]}` : url;
  if (!URL.canParse(asUrl)) return `url:${url}`;
  const parsed = new URL(asUrl);
  // The user stays: on a shared SSH host, git@host and deploy@host may see different repositories.
  const user = parsed.username ? `${parsed.username}@` : '';
  const repoPath = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/i, '');
  return `url:${parsed.protocol}//${user}${parsed.host}${repoPath}`;
}
