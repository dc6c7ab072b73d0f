/** `--json`: one JSON object per line per event, for other tools. The shapes are part of the public interface. */
import type { ProgressSink } from './types.js';

export function createJsonProgress(write: (text: string) => void, now: () => number = Date.now): ProgressSink {
  const emit = (event: string, data: Record<string, unknown>) => write(`${JSON.stringify({ event, at: now(), ...data })}\n`);
  return {
    runStarted: (e) => emit('run-started', { ...e }),
    taskStarted: (repo) => emit('task-started', { repo: repo.key }),
    stageChanged: (repo, stage) => emit('stage', { repo: repo.key, stage }),
    taskRetrying: (repo, attempt, reason, delayMs) => emit('task-retrying', { repo: repo.key, attempt, reason, delayMs }),
    taskFinished: (e) =>
      emit('task-finished', {
        repo: e.repo.key,
        outcome: e.outcome,
        ...(e.errorClass && { errorClass: e.errorClass }),
        ...(e.message && { message: e.message }),
        ...(e.branch && { branch: e.branch }),
        ...(e.prUrl && { prUrl: e.prUrl }),
        durationMs: Math.round(e.durationMs),
      }),
    notice: (level, text) => emit('notice', { level, text }),
    runFinished: (e) => emit('run-finished', { ...e }),
    close: () => undefined,
  };
}
