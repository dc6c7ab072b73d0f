/**
 * Keeps one listing per repository. A repository may be named more than once (a `file:` list, a selector and a
 * plain entry overlap); it runs once, with a warning naming both places. Which listing is kept matters when one
 * of them says something about the repository (skip, base, env): that one wins wherever it appears, because the
 * order of `repos` should not decide whether a repository someone marked `skip: true` is changed anyway. Two
 * listings that say different things are an error at the second, since neither can be picked safely.
 */
import type { RepoRef } from '../domain/repo.js';
import { createDuplicateWarnings } from './duplicate-warnings.js';
import type { Origin, ResolvedRepos } from './repos.js';

interface Kept {
  repo: RepoRef;
  origin: Origin;
  /** Index of the repository in `out.repos`, so a later explicit entry can take its place. */
  index: number;
}

export interface RepoAdder {
  add(repo: RepoRef, origin: Origin): void;
  /** Adds the warning that counts the duplicates not named one by one (duplicate-warnings.ts). */
  finish(): void;
}

/**
 * Returns what adds one resolved repository to `out`, deduplicating against the earlier ones; `identityOf` says
 * which repositories are the same (repo-identity.ts).
 */
export function createRepoAdder(out: ResolvedRepos, identityOf: (repo: RepoRef) => string): RepoAdder {
  const byIdentity = new Map<string, Kept>();
  const plainDuplicates = createDuplicateWarnings(out.warnings);
  const add = (repo: RepoRef, origin: Origin): void => {
    const identity = identityOf(repo);
    const first = byIdentity.get(identity);
    if (!first) {
      byIdentity.set(identity, { repo, origin, index: out.repos.push(repo) - 1 });
      return;
    }
    const differing = differingSettings(first.repo, repo);
    if (differing.length > 0 && hasSettings(first.repo) && hasSettings(repo)) {
      out.errors.push({
        ...origin,
        severity: 'error',
        message: `repository ${repo.display} is also listed at ${where(first.origin)} with a different ${differing.join(' and ')}; give its settings in one entry`,
      });
      return;
    }
    if (differing.length > 0 && hasSettings(repo)) {
      out.repos[first.index] = repo;
      byIdentity.set(identity, { repo, origin, index: first.index });
      out.warnings.push({ ...origin, severity: 'warning', message: `duplicate repository ${repo.display} (also listed at ${where(first.origin)}); ${outcome(repo, 'this entry')}` });
      out.excluded.push({ display: first.repo.display, reason: `duplicate of ${where(origin)}`, origin: first.origin });
      return;
    }
    const keptAt = hasSettings(first.repo) ? `the entry at ${where(first.origin)}` : '';
    const message = `duplicate repository ${repo.display} (also listed at ${where(first.origin)}); ${outcome(first.repo, keptAt)}`;
    if (hasSettings(first.repo)) out.warnings.push({ ...origin, severity: 'warning', message });
    else plainDuplicates.warn(origin, message);
    out.excluded.push({ display: repo.display, reason: `duplicate of ${where(first.origin)}`, origin });
  };
  return { add, finish: plainDuplicates.finish };
}

function hasSettings(repo: RepoRef): boolean {
  return repo.skip !== undefined || repo.base !== undefined || Object.keys(repo.env).length > 0;
}

/** The manifest keys whose values differ between two listings of one repository. */
function differingSettings(a: RepoRef, b: RepoRef): string[] {
  const out: string[] = [];
  if ((a.skip === undefined) !== (b.skip === undefined)) out.push('skip');
  else if (a.skip !== b.skip) out.push('skip-reason');
  if (a.base !== b.base) out.push('base');
  if (!sameEnv(a.env, b.env)) out.push('env');
  return out;
}

function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** What happens to the repository, as said by the listing that was kept (`by` names it when it matters). */
function outcome(kept: RepoRef, by: string): string {
  if (kept.skip !== undefined) return `it is skipped, as ${by} says`;
  if (!hasSettings(kept)) return 'it runs once';
  const settings = [kept.base !== undefined && 'base', Object.keys(kept.env).length > 0 && 'env'].filter(Boolean).join(' and ');
  return `it runs once, with the ${settings} of ${by}`;
}

function where(origin: Origin): string {
  return `${origin.file}:${origin.line}:${origin.col}`;
}
