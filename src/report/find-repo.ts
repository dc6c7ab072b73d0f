/**
 * Finds the repo a person means in a run: the exact key, the display name, the name, or a unique substring. A
 * display name is not always unique (`./a/team/svc` and `./b/team/svc` are both `team/svc`): when several repos
 * share what was asked for, none of them is picked, so `show` never shows, and `retry --repo` never re-runs, the
 * wrong one.
 */
import type { TaskRecord } from '../store/types.js';

export type RepoMatch = { task: TaskRecord } | { task?: undefined; candidates: TaskRecord[] };

export function findRepo(tasks: readonly TaskRecord[], query: string): RepoMatch {
  const q = query.trim();
  const byKey = tasks.find((t) => t.repo.key === q);
  if (byKey) return { task: byKey };
  const byDisplay = tasks.filter((t) => t.repo.display === q);
  if (byDisplay.length > 0) return only(byDisplay);
  const lower = q.toLowerCase();
  const byName = tasks.filter((t) => t.repo.name.toLowerCase() === lower || t.repo.display.toLowerCase() === lower);
  if (byName.length > 0) return only(byName);
  return only(tasks.filter((t) => t.repo.key.toLowerCase().includes(lower) || t.repo.display.toLowerCase().includes(lower)));
}

/** The name that finds this very repo again: its display name, or its key when another repo of the run shares it. */
export function repoArgument(tasks: readonly Pick<TaskRecord, 'repo'>[], repo: Pick<TaskRecord['repo'], 'key' | 'display'>): string {
  return tasks.filter((t) => t.repo.display === repo.display).length > 1 ? repo.key : repo.display;
}

function only(matches: TaskRecord[]): RepoMatch {
  return matches.length === 1 ? { task: matches[0] as TaskRecord } : { candidates: matches };
}
