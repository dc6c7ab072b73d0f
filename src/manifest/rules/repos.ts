/**
 * Repository entries written in the manifest: strings must be safe and recognisable, per-repo base branches must
 * be valid branch names, GitHub selectors must name where to look, by a login. (`file:` lists and duplicates are
 * checked when the list is resolved, see repos.ts.)
 */
import { branchNameProblem } from '../git-ref.js';
import { parseRepoString } from '../repo-string.js';
import type { RuleInput } from './report.js';

export function checkRepoEntries({ manifest: m, report }: RuleInput): void {
  m.repos.forEach((entry, i) => {
    if (typeof entry === 'string') {
      const parsed = parseRepoString(entry);
      if (!parsed.ok) report.error(['repos', i], parsed.error);
      return;
    }
    if ('repo' in entry) {
      const parsed = parseRepoString(entry.repo);
      if (!parsed.ok) report.error(['repos', i, 'repo'], parsed.error);
      const problem = entry.base === undefined ? undefined : branchNameProblem(entry.base);
      if (problem) report.error(['repos', i, 'base'], problem);
      if (entry['skip-reason'] !== undefined && !entry.skip) {
        report.warning(['repos', i, 'skip-reason'], 'skip-reason has no effect without skip: true');
      }
      return;
    }
    if ('github' in entry) {
      const g = entry.github;
      if (g.org && g.user) {
        report.error(['repos', i, 'github', 'user'], 'a selector takes org or user, not both; write two selectors to cover both');
      }
      if (!g.org && !g.user && !g.search && (g.topics ?? []).length === 0) {
        report.error(['repos', i, 'github'], 'a selector needs org, user, topics or search to know where to look');
      }
      for (const key of ['org', 'user'] as const) {
        const problem = g[key] === undefined ? undefined : ownerProblem(g[key], key);
        if (problem) report.error(['repos', i, 'github', key], problem);
      }
    }
  });
}

/** A GitHub login: letters and digits, with - (and the _ and . GitHub Enterprise Server may allow) inside. */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Why `value` cannot be the login a selector lists, or undefined. Without this, `org: acme/web` (a repository
 * written where its owner belongs) passes validate and fails only when the job is planned or run.
 */
function ownerProblem(value: string, key: 'org' | 'user'): string | undefined {
  if (LOGIN.test(value)) return undefined;
  const repo = /^([A-Za-z0-9][A-Za-z0-9_.-]*)\/[A-Za-z0-9_.-]+$/.exec(value);
  const kind = key === 'org' ? 'organisation' : 'user';
  if (repo) {
    return `"${value}" is a repository, not ${key === 'org' ? 'an' : 'a'} ${kind}; list one repository as an entry of its own (- ${value}), or every repository of the ${kind} with ${key}: ${repo[1]}`;
  }
  return `"${value}" is not a GitHub login (letters, digits and -)`;
}
