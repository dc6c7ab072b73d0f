/**
 * A local repository the manifest names but that is not there: a typo in a path, or a manifest written on another
 * machine. The run would still try it and fail that repository, after the night started; `validate`,
 * `plan` and `run` say so first. A warning, not an error: the folder may be made between validating and running,
 * and the other repositories should run either way. Whether the folder is a repository git can clone is left to
 * the clone, which says it in its own words.
 */
import { statSync } from 'node:fs';
import type { RepoRef } from '../domain/repo.js';

/** Why `repo` (a local one) cannot be cloned as it stands, or undefined when its folder is there. */
export function missingLocalRepo(repo: RepoRef): string | undefined {
  if (repo.kind !== 'local') return undefined;
  const stats = statSync(repo.url, { throwIfNoEntry: false });
  if (stats === undefined) return `local repository ${repo.url} does not exist; the run will fail it`;
  if (!stats.isDirectory()) return `local repository ${repo.url} is not a folder; the run will fail it`;
  return undefined;
}
