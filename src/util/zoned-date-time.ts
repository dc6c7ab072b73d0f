/**
 * A date-time written without an offset ("2030-05-01T07:00") read on the clock of a time zone. Date.parse reads it
 * on this machine's clock, which is not the zone a job names when it runs on a server elsewhere.
 */

const NO_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/**
 * The instant of an ISO date-time: as written when it has an offset (or no zone is given), else on the zone's clock.
 * A time the clock skips (02:30 on a spring-forward night) is read with the offset from before the jump, as
 * Temporal's default does: 02:30 becomes 03:30.
 */
export function parseDateTimeIn(text: string, timeZone?: string): number {
  const fields = NO_OFFSET.exec(text);
  if (!fields || !timeZone) return Date.parse(text);
  const [year, month, day, hour, minute, second = '0', fraction = '0'] = fields.slice(1) as string[];
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(`0.${fraction}`) * 1000);
  // The offset depends on the instant looked for: a first guess with the offset at the wall time read as UTC, then
  // the offset at that guess (they differ only near a change of the zone's offset).
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

/** How far the zone's clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const clock = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return clock - Math.floor(at / 1000) * 1000;
}
