/** The first line of a run's progress, the same for a terminal and for logs. */
import type { RunStartedEvent } from './types.js';

export function runStartedLine(e: RunStartedEvent): string {
  const resumed = e.resumed ? ` (resuming: ${e.alreadyDone} of ${e.total} already done)` : '';
  return `run ${e.runId}: ${e.jobName}, ${e.total} repos, sandbox ${e.provider}${e.dryRun ? ', dry run' : ''}${resumed}`;
}
