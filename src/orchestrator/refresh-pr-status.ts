/**
 * `status --refresh`: reads the current state of every pull request a run opened or updated from its code host
 * and writes it to the journal (state, draft, review decision, checks, merge time, when it was read). One PR that
 * cannot be read is reported and the others still are.
 */
import type { CodeHostRouter } from '../codehost/types.js';
import { errorMessage } from '../domain/errors.js';
import type { RunStore, TaskRecord } from '../store/types.js';

export interface RefreshResult {
  refreshed: number;
  failures: { task: TaskRecord; message: string }[];
}

export async function refreshPrStatus(deps: { store: RunStore; codeHosts: CodeHostRouter; now: () => number }, runId: string): Promise<RefreshResult> {
  const result: RefreshResult = { refreshed: 0, failures: [] };
  const withPr = deps.store.listTasks(runId).filter((t) => t.prNumber !== null);
  // A few at a time: reads are cheap, but a fleet of PRs should not become a burst.
  const queue = [...withPr];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const host = deps.codeHosts.forRepo(task.repo);
      if (!host.pullRequestStatus || task.prNumber === null) continue;
      try {
        const status = await host.pullRequestStatus(task.repo, task.prNumber);
        deps.store.updateTask(task.id, {
          prState: status.state,
          prDraft: status.draft,
          prReview: status.reviewDecision,
          prChecks: status.checks,
          prMergedAt: status.mergedAt ? Date.parse(status.mergedAt) : null,
          prRefreshedAt: deps.now(),
        });
        result.refreshed += 1;
      } catch (err) {
        result.failures.push({ task, message: errorMessage(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  return result;
}
