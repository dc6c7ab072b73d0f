/**
 * A repository's log as a file under the run's folder, for people and the report to open — only for a repository
 * that did not succeed; the others' logs are in the journal only (`fleetmod show RUN REPO --log`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoSlug } from '../domain/repo.js';
import type { TaskRecord } from '../store/types.js';
import type { TaskConfig, TaskDeps } from './task-context.js';

/** After an attempt: writes the file (every attempt so far) when it did not succeed, removes an earlier one when it did. */
export async function settleLogFile(deps: TaskDeps, config: TaskConfig, task: TaskRecord, succeeded: boolean): Promise<void> {
  if (succeeded) await dropLogFile(deps, task);
  else await writeLogFile(deps, config, task);
}

/**
 * An attempt that succeeds after a failed one: the file an earlier attempt wrote shows only that failure, and
 * show and the report would point at it. Its log is in the journal like any other success's, so the file goes and
 * the task names none; the record is cleared first so nothing points at a file that may be half removed.
 */
async function dropLogFile(deps: TaskDeps, task: TaskRecord): Promise<void> {
  if (!task.logPath) return;
  deps.store.updateTask(task.id, { logPath: null });
  await rm(task.logPath, { force: true });
}

async function writeLogFile(deps: TaskDeps, config: TaskConfig, task: TaskRecord): Promise<void> {
  const file = task.logPath ?? path.join(config.logDir, `${repoSlug(task.repo)}.log`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, deps.store.readTaskLog(task.id));
  if (!task.logPath) deps.store.updateTask(task.id, { logPath: file });
}
