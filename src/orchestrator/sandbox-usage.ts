/**
 * Adds a destroyed sandbox's billed time (and, for E2B, its price at the job's configured rates) to its task, so
 * sandbox-seconds and cost accumulate over every attempt and candidate of a repo.
 */
import { sandboxCostUsd } from '../sandbox/e2b/cost.js';
import type { Sandbox } from '../sandbox/types.js';
import type { TaskConfig, TaskDeps } from './task-context.js';

export function recordSandboxUsage(deps: Pick<TaskDeps, 'store'>, config: Pick<TaskConfig, 'job'>, taskId: number, sandbox: Sandbox): void {
  const seconds = sandbox.billedSeconds();
  if (seconds <= 0) return;
  const task = deps.store.getTask(taskId);
  const cost = sandbox.provider === 'e2b' ? sandboxCostUsd(seconds, config.job.sandbox.e2b) : 0;
  deps.store.updateTask(taskId, {
    sandboxSeconds: (task?.sandboxSeconds ?? 0) + seconds,
    costUsd: (task?.costUsd ?? 0) + cost,
  });
}
