/**
 * A ProgressSink decorator for every text that came from outside (error messages, skip reasons, retry reasons,
 * notices): secret values are censored — progress goes to terminals, CI logs and other tools, which must never see
 * a token — and terminal escape sequences removed, so a step's output cannot retitle, clear or recolour the
 * terminal of the person watching the run.
 */
import { stripControl } from '../report/escape.js';
import type { Redactor } from '../util/redact.js';
import type { ProgressSink } from './types.js';

export function cleanTextProgress(inner: ProgressSink, redactor: Redactor): ProgressSink {
  const clean = (text: string) => stripControl(redactor.redact(text));
  return {
    runStarted: (e) => inner.runStarted(e),
    taskStarted: (repo) => inner.taskStarted(repo),
    stageChanged: (repo, stage) => inner.stageChanged(repo, stage),
    taskRetrying: (repo, attempt, reason, delayMs) => inner.taskRetrying(repo, attempt, clean(reason), delayMs),
    taskFinished: (e) => inner.taskFinished(e.message === undefined ? e : { ...e, message: clean(e.message) }),
    notice: (level, text) => inner.notice(level, clean(text)),
    runFinished: (e) => inner.runFinished(e),
    close: () => inner.close(),
  };
}
