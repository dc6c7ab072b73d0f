/**
 * A fixed deadline (an ISO date-time) that has passed, as a pause reason. Unlike a time window or an `HH:MM`
 * deadline, it does not come round again, and a run keeps its manifest's limits when it goes on: resuming would pause
 * again at once. Every place that says how a paused run goes on asks here, so none of them says `fleetmod resume`
 * when that cannot help.
 */

/** The pause reason for a deadline that has passed. */
export function deadlinePassedReason(deadline: string): string {
  return `the deadline ${deadline} has passed`;
}

/** The fixed deadline a run paused for, read back from its pause reason, or undefined. */
export function fixedDeadlineOfReason(reason: string | null | undefined): string | undefined {
  const deadline = /^the deadline (\S+) has passed$/.exec(reason ?? '')?.[1];
  return deadline?.includes('-') ? deadline : undefined;
}

/** How a run paused by the fixed deadline goes on: with an edited deadline, as a new run. */
export function fixedDeadlineAdvice(deadline: string, manifest?: string): string {
  const edit = manifest ? `change limits.deadline in ${manifest}, then fleetmod run ${manifest}` : 'change limits.deadline in the manifest, then fleetmod run it';
  return `its limits.deadline ${deadline} has passed, and a run keeps its manifest's limits when it goes on: ${edit} (a new run, which reuses what this one finished)`;
}
