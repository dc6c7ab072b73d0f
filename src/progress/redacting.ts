/**
 * A ProgressSink decorator that censors secret values in everything it passes on (error messages, skip reasons,
 * notices): progress goes to terminals, CI logs and other tools, which must never see a token.
 */
import type { Redactor } from '../util/redact.js';
import type { ProgressSink } from './types.js';

export function redactingProgress(inner: ProgressSink, redactor: Redactor): ProgressSink {
  const clean = (text: string | undefined) => (text === undefined ? undefined : redactor.redact(text));
  return {
    runStarted: (e) => inner.runStarted(e),
    taskStarted: (repo) => inner.taskStarted(repo),
    stageChanged: (repo, stage) => inner.stageChanged(repo, stage),
    taskRetrying: (repo, attempt, reason, delayMs) => inner.taskRetrying(repo, attempt, redactor.redact(reason), delayMs),
    taskFinished: (e) => {
      const message = clean(e.message);
      inner.taskFinished({ ...e, ...(message !== undefined && { message }) });
    },
    notice: (level, text) => inner.notice(level, redactor.redact(text)),
    runFinished: (e) => inner.runFinished(e),
    close: () => inner.close(),
  };
}
