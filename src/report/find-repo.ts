/** Finds the repo a person means in a run: the exact key, the display name, the name, or a unique substring. */
import type { TaskRecord } from '../store/types.js';

export type RepoMatch = { task: TaskRecord } | { task?: undefined; candidates: TaskRecord[] };

export function findRepo(tasks: readonly TaskRecord[], query: string): RepoMatch {
  const q = query.trim();
  const exact = tasks.find((t) => t.repo.key === q) ?? tasks.find((t) => t.repo.display === q);
  if (exact) return { task: exact };
  const lower = q.toLowerCase();
  const byName = tasks.filter((t) => t.repo.name.toLowerCase() === lower || t.repo.display.toLowerCase() === lower);
  if (byName.length === 1) return { task: byName[0] as TaskRecord };
  const matches = byName.length > 1 ? byName : tasks.filter((t) => t.repo.key.toLowerCase().includes(lower) || t.repo.display.toLowerCase().includes(lower));
  if (matches.length === 1) return { task: matches[0] as TaskRecord };
  return { candidates: matches };
}
