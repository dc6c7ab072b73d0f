/**
 * Whether two entries name the same repository. The entry's own text is kept for cloning; this identity only
 * decides duplicates, so spellings that reach the same repository must agree: a trailing `.git` or `/`, the case
 * of scheme and host, a default port, `file:///p` and `/p`, and `git@host:/path` and `ssh://git@host/path`
 * (`git@host:path`, without the slash, is relative to the user's home and is `ssh://git@host/~/path`).
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
  // git@host:path is relative to the user's home on the server (git@host:/path is absolute), while
  // ssh://git@host/path is absolute: the same text after the colon names different repositories.
  const scp = /^([^@/:]+)@([^/:]+):(.*)$/.exec(url);
  const asUrl = scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]!.startsWith('/') ? scp[3]!.slice(1) : `~/${scp[3]!.replace(/^~\/?/, '')}`}` : url;
  if (!URL.canParse(asUrl)) return `url:${url}`;
  const parsed = new URL(asUrl);
  // The user stays: on a shared SSH host, git@host and deploy@host may see different repositories.
  const user = parsed.username ? `${parsed.username}@` : '';
  const repoPath = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/i, '');
  // ssh's default port written out is the same server.
  const host = parsed.protocol === 'ssh:' && parsed.port === '22' ? parsed.hostname : parsed.host;
  return `url:${parsed.protocol}//${user}${host}${repoPath}`;
}
