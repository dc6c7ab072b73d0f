/**
 * `--json`: one JSON object per line per event, for other tools. The shapes are part of the public interface, and
 * the README's "JSON output" section describes each (a test holds it to what is emitted here).
 */
import type { ProgressSink } from './types.js';

/** One event's line: its name and time first, then what it says. */
function eventLine(event: string, at: number, data: Record<string, unknown>): string {
  return `${JSON.stringify({ event, at, ...data })}\n`;
}

export function createJsonProgress(write: (text: string) => void, now: () => number = Date.now): ProgressSink {
  // Every event from run-started on names its run, not only the first and the last: a consumer that takes lines one
  // at a time (a log shipper, a file that run after run appends to) can tell which run a repository's event is of.
  let runId: string | undefined;
  const emit = (event: string, data: Record<string, unknown>) => write(eventLine(event, now(), { ...(runId !== undefined && { runId }), ...data }));
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

/** The run's last line, once its reports are written after the progress has closed. */
export function reportsWrittenLine(runId: string, files: { html: string; json: string }, now: () => number = Date.now): string {
  return eventLine('reports-written', now(), { runId, ...files });
}
