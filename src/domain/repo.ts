import { createHash } from 'node:crypto';

/** A repository the job works on, resolved from a manifest entry. */
export interface RepoRef {
  /** Stable identity within a job: `owner/name` for GitHub repos, the URL or absolute path otherwise. */
  readonly key: string;
  /** Where the host clones from and pushes to (absolute path or URL; never carries credentials). */
  readonly url: string;
  /** How the repo is reached: a GitHub repository, any other git remote, or a path on this machine. */
  readonly kind: 'github' | 'git' | 'local';
  /** Owner or group (for local paths, the parent directory's name; for a git URL with one path segment, its host). */
  readonly owner: string;
  /** Repository name without `.git`. */
  readonly name: string;
  /** Short name for people: `owner/name`, or `host/owner/name` for other git hosts (`host/name` at the top of one). */
  readonly display: string;
  /** Base branch from the manifest; the default branch is used when absent. */
  readonly base?: string;
  /** Extra environment for this repo's steps. */
  readonly env: Readonly<Record<string, string>>;
  /** Set when the manifest says not to touch this repo. */
  readonly skip?: string;
}

/**
 * A filesystem-friendly, collision-free name for a repo, used for its log file and work directory. The short hash
 * of the key keeps two repos with the same owner and name on different hosts apart.
 */
export function repoSlug(repo: Pick<RepoRef, 'owner' | 'name' | 'key'>): string {
  const readable = `${repo.owner}__${repo.name}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(repo.key).digest('hex').slice(0, 6);
  return `${readable}-${hash}`;
}
