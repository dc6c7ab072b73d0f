/** `--json`: one JSON object per line per event, for other tools. The shapes are part of the public interface. */
import type { ProgressSink } from './types.js';

export function createJsonProgress(write: (text: string) => void, now: () => number = Date.now): ProgressSink {
  // Every event from run-started on names its run, not only the first and the last: a consumer that takes lines one
  // at a time (a log shipper, a file that run after run appends to) can tell which run a repository's event is of.
  let runId: string | undefined;
  const emit = (event: string, data: Record<string, unknown>) =>
    write(`${JSON.stringify({ event, at: now(), ...(runId !== undefined && { runId }), ...data })}\n`);
  return {
    runStarted: (e) => {
      runId = e.runId;
      emit('run-started', { ...e });
    },
    taskStarted: (repo) => emit('task-started', { repo: repo.key }),
    stageChanged: (repo, stage) => emit('stage', { repo: repo.key, stage }),
    taskRetrying: (repo, attempt, reason, delayMs) => emit('task-retrying', { repo: repo.key, attempt, reason, delayMs }),
    taskFinished: (e) =>
      emit('task-finished', {
        repo: e.repo.key,
        outcome: e.outcome,
        ...(e.errorClass && { errorClass: e.errorClass }),
        ...(e.message && { message: e.message }),
        ...(e.branch && e.branchPushed && { branch: e.branch }),
        ...(e.prUrl && { prUrl: e.prUrl }),
        durationMs: Math.round(e.durationMs),
      }),
    notice: (level, text) => emit('notice', { level, text }),
    runFinished: (e) => emit('run-finished', { ...e }),
    close: () => undefined,
  };
}
