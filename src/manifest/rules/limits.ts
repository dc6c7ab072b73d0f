/** Time limits that cannot take effect as written: a step allowed longer than its repo, a deadline already past. */
import { formatDuration, parseDuration } from '../../util/units.js';
import { parseDateTimeIn } from '../../util/zoned-date-time.js';
import type { RuleInput } from './report.js';

export function checkLimits({ job, manifest: m, report }: RuleInput): void {
  const total = job.sandbox.timeoutMs;
  const totalText = m.sandbox?.timeout ? `sandbox.timeout ${m.sandbox.timeout}` : `the default sandbox.timeout ${formatDuration(total)}`;
  const timed = [
    ...m.steps.map((s, i) => ({ timeout: s.timeout, path: ['steps', i, 'timeout'] })),
    ...(m.verify ?? []).map((v, i) => ({ timeout: typeof v === 'string' ? undefined : v.timeout, path: ['verify', i, 'timeout'] })),
  ];
  for (const { timeout, path } of timed) {
    const ms = timeout ? parseDuration(timeout) : null;
    if (ms !== null && ms > total) {
      report.warning(path, `${timeout} is longer than ${totalText} for all steps of a repo; the step is stopped when that runs out`);
    }
  }

  const deadline = m.limits?.deadline;
  if (deadline && deadline.includes('-')) {
    // As the run reads it: without an offset, on the clock of the window's time zone.
    const at = parseDateTimeIn(deadline, job.limits.window?.timezone);
    if (Number.isNaN(at) || !dateExists(deadline)) report.error(['limits', 'deadline'], `"${deadline}" is not a date-time that exists`);
    else if (at < Date.now()) report.warning(['limits', 'deadline'], `${deadline} has passed; a run would start no repository`);
  }
}

/** Date.parse rolls an impossible day over ("2030-02-30" becomes March 2); the date must exist as written. */
function dateExists(dateTime: string): boolean {
  const [year, month, day] = dateTime.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
