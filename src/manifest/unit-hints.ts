/**
 * Messages for durations, sizes and rates written the wrong way. A bare number, `10min`, `2G` or `512mb` is a
 * common slip; the message says exactly what to write instead.
 */
import { parseDuration, parseSize } from '../util/units.js';

const DURATION_ALIASES: Readonly<Record<string, string>> = {
  msec: 'ms', msecs: 'ms', millisecond: 'ms', milliseconds: 'ms',
  sec: 's', secs: 's', second: 's', seconds: 's', S: 's',
  min: 'm', mins: 'm', minute: 'm', minutes: 'm', M: 'm',
  hr: 'h', hrs: 'h', hour: 'h', hours: 'h', H: 'h',
  day: 'd', days: 'd', D: 'd',
};

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB'];
const AMBIGUOUS_SIZE: Readonly<Record<string, [string, string]>> = {
  k: ['KiB', 'KB'], K: ['KiB', 'KB'], m: ['MiB', 'MB'], M: ['MiB', 'MB'], g: ['GiB', 'GB'], G: ['GiB', 'GB'],
  t: ['TiB', 'TB'], T: ['TiB', 'TB'], Mi: ['MiB', 'MB'], Gi: ['GiB', 'GB'], Ki: ['KiB', 'KB'],
};

const NUMBER_AND_UNIT = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/;

/** Why `input` is not a duration. */
export function durationProblem(input: unknown): string {
  const example = 'expected a duration such as "90s", "5m" or "1h30m"';
  const bare = bareNumber(input);
  if (bare !== undefined && Number(bare) <= 0) return `must be longer than 0: write a duration with a unit, such as "90s" or "5m"`;
  if (bare !== undefined) return `a duration needs a unit: write "${bare}s" or "${bare}m", not a bare number`;
  if (typeof input !== 'string') return `${example}, got ${describeValue(input)}`;
  const text = input.trim();
  const match = NUMBER_AND_UNIT.exec(text);
  if (match) {
    const [, amount, unit] = match as unknown as [string, string, string];
    const alias = DURATION_ALIASES[unit] ?? DURATION_ALIASES[unit.toLowerCase()];
    if (alias) return `"${text}" is not a duration; write "${amount}${alias}"`;
    if (parseSize(text) !== null) return `"${text}" is a size, not a duration; write e.g. "90s", "5m" or "1h30m"`;
  }
  if (/\s/.test(text) && parseDuration(text.replace(/\s+/g, '')) !== null) {
    return `write the duration without spaces: "${text.replace(/\s+/g, '')}"`;
  }
  return `${example}, got "${text}"`;
}

/** Why `input` is not a size. */
export function sizeProblem(input: unknown): string {
  const example = 'expected a size such as "512MiB" or "2GiB"';
  const bare = bareNumber(input);
  if (bare !== undefined && Number(bare) <= 0) return `must be larger than 0: write a size with a unit, such as "512MiB" or "2GiB"`;
  if (bare !== undefined) return `a size needs a unit: write "${bare}MiB" (or KiB, GiB, MB…), not a bare number`;
  if (typeof input !== 'string') return `${example}, got ${describeValue(input)}`;
  const text = input.trim();
  const match = NUMBER_AND_UNIT.exec(text);
  if (match) {
    const [, amount, unit] = match as unknown as [string, string, string];
    const ambiguous = AMBIGUOUS_SIZE[unit];
    if (ambiguous) {
      return `"${text}" is ambiguous; write "${amount}${ambiguous[0]}" (powers of 1024) or "${amount}${ambiguous[1]}" (powers of 1000)`;
    }
    const caseFixed = SIZE_UNITS.find((u) => u.toLowerCase() === unit.toLowerCase());
    if (caseFixed) return `size units are case-sensitive: write "${amount}${caseFixed}"`;
    if (parseDuration(text) !== null) return `"${text}" is a duration, not a size; write e.g. "${amount}MiB"`;
  }
  return `${example} (units B, KB, MB, GB, KiB, MiB, GiB), got "${text}"`;
}

/** Why `input` is not a rate such as "60/hour". */
export function rateProblem(input: unknown): string {
  const example = 'expected a rate such as "60/hour", "5/min" or "1/s"';
  const bare = bareNumber(input);
  // The count of a rate is a whole number of at least 1: "0.5/hour" or "0/hour" would be refused in turn.
  if (bare !== undefined && !/^[1-9]\d*$/.test(bare)) return `a rate is a whole number of at least 1 per time unit, such as "60/hour" or "1/min", got ${bare}`;
  if (bare !== undefined) return `a rate needs a time unit: write "${bare}/hour" or "${bare}/min"`;
  if (typeof input !== 'string') return `${example}, got ${describeValue(input)}`;
  const words = /^(\d+)\s*(?:per|an?|every|\/)\s*(\w+)$/i.exec(input.trim());
  if (words) {
    const unit = (words[2] as string).toLowerCase();
    const short = unit.startsWith('h') ? 'hour' : unit.startsWith('m') ? 'min' : unit.startsWith('s') ? 's' : undefined;
    if (short) return `write the rate as "${words[1]}/${short}"`;
  }
  return `${example}, got "${input}"`;
}

/** Why `input` is not a daily window "HH:MM-HH:MM", with the corrected text when the slip is obvious. */
export function windowProblem(input: unknown): string {
  const expected = 'a window is two 24-hour times "HH:MM-HH:MM" such as "22:00-06:00"';
  if (typeof input !== 'string') return `${expected}, got ${describeValue(input)}`;
  const parts = /^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$/.exec(input);
  if (!parts) return `${expected}, got "${input}"`;
  const [h1, m1, h2, m2] = parts.slice(1).map(Number) as [number, number, number, number];
  const bad = [[h1, m1], [h2, m2]].find(([h, m]) => (h as number) > 23 || (m as number) > 59);
  if (bad) return `${String(bad[0]).padStart(2, '0')}:${String(bad[1]).padStart(2, '0')} is not a time of day (00:00 to 23:59)`;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `write the window as "${pad(h1)}:${pad(m1)}-${pad(h2)}:${pad(m2)}" (two-digit hours, a plain "-")`;
}

/**
 * A number written without a unit (YAML's number, or the same as quoted text), as it reads, or undefined. A hint that
 * adds a unit must not offer zero or a negative amount, which the field refuses next.
 */
function bareNumber(input: unknown): string | undefined {
  if (typeof input === 'number') return String(input);
  if (typeof input === 'string' && /^-?\d+(\.\d+)?$/.test(input.trim())) return input.trim();
  return undefined;
}

/** A short description of a value for messages: `the number 3`, `a list`, `"text"`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value (null)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}
