/**
 * A local repository the manifest names but that is not there: a typo in a path, or a manifest written on another
 * machine. The run would still try it and fail that repository, after the night started; `validate`, `plan` and
 * `run` say so first, and `resume` and `retry` of the repositories they go on with. A warning, not an error: the
 * folder may be made between validating and running, and the other repositories should run either way. Whether the
 * folder is a repository git can clone is left to the clone, which says it in its own words.
 */
import { statSync } from 'node:fs';
import type { RepoRef } from '../domain/repo.js';
import { createCountedWarnings, type Position } from './counted-warnings.js';
import type { Diagnostic } from './diagnostics.js';

/** Why `repo` (a local one) cannot be cloned as it stands, or undefined when its folder is there. */
export function missingLocalRepo(repo: RepoRef): string | undefined {
  if (repo.kind !== 'local') return undefined;
  const stats = statSync(repo.url, { throwIfNoEntry: false });
  if (stats === undefined) return `local repository ${repo.url} does not exist; the run will fail it`;
  if (!stats.isDirectory()) return `local repository ${repo.url} is not a folder; the run will fail it`;
  return undefined;
}

export interface MissingLocalWarnings {
  /** Warns when `repo` is a local repository that is not there; `at` is where the manifest names it. */
  check(repo: RepoRef, at: Position): void;
  /** Adds the one warning that counts the missing repositories past the first three. */
  finish(): void;
}

/**
 * Warnings for missing local repositories, the first three named and the rest counted (counted-warnings.ts): a list
 * written on another machine (or the demo's, before `fleetmod demo` made its repositories) misses every path.
 */
export function createMissingLocalWarnings(warnings: Diagnostic[]): MissingLocalWarnings {
  return missingLocalWarnings(warnings, ', the first of them here');
}

/**
 * The same warnings for the repositories a run goes on with from its journal (`resume`, `retry`): the folder may
 * have gone since the run started, and the run would fail it as `run` would. They have no place in a manifest to
 * point at, so the messages come alone.
 */
export function missingLocalRepoMessages(repos: readonly RepoRef[]): string[] {
  const warnings: Diagnostic[] = [];
  const missing = missingLocalWarnings(warnings, '');
  for (const repo of repos) missing.check(repo, { file: '', line: 0, col: 0 });
  missing.finish();
  return warnings.map((warning) => warning.message);
}

function missingLocalWarnings(warnings: Diagnostic[], whereTheFirstIs: string): MissingLocalWarnings {
  const counted = createCountedWarnings(warnings, {
    named: 3,
    rest: (count) =>
      `${count === 1 ? '1 more local repository is' : `${count} more local repositories are`} missing or not a folder${whereTheFirstIs}; the run will fail them`,
  });
  return {
    check(repo, at) {
      const message = missingLocalRepo(repo);
      if (message !== undefined) counted.warn('', at, message);
    },
    finish: () => counted.finish(),
  };
}
