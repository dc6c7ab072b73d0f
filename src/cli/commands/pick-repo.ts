/** One repository of a run named on the command line (`show`, `retry --repo`), or a usage error saying why not. */
import { UsageError } from '../../domain/errors.js';
import { findRepo, repoArgument } from '../../report/find-repo.js';
import type { TaskRecord } from '../../store/types.js';

export function pickRepo(tasks: readonly TaskRecord[], query: string, runId: string): TaskRecord {
  const match = query.trim() === '' ? { candidates: [] } : findRepo(tasks, query);
  if (match.task) return match.task;
  if (match.candidates.length === 0) throw new UsageError(`no repo of run ${runId} matches "${query}" (${tasks.length} repos in the run)`);
  // Repos that share a display name are listed by key: that is what tells them apart, and what to write instead.
  const names = match.candidates.slice(0, 10).map((t) => repoArgument(tasks, t.repo));
  const more = match.candidates.length > 10 ? `, … and ${match.candidates.length - 10} more` : '';
  throw new UsageError(`"${query}" matches ${match.candidates.length} repos of run ${runId}: ${names.join(', ')}${more}; be more specific`);
}
