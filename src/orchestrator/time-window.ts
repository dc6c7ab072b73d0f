/**
 * When new repositories may start: inside the daily window (e.g. 22:00–06:00, optionally on some weekdays, in a
 * time zone) and before the deadline. Pure functions of a clock, so they are tested without waiting.
 */
import type { WindowSpec } from '../manifest/job.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface LocalTime {
  day: (typeof DAYS)[number];
  minutes: number;
}

/** Weekday and minutes since midnight of an instant in a time zone (the machine's when none is given). */
export function localTime(at: number, timeZone?: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const day = get('weekday').slice(0, 3).toLowerCase() as LocalTime['day'];
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether `at` is inside the window. A window that crosses midnight belongs to the day it started on. */
export function insideWindow(window: WindowSpec, at: number): boolean {
  const { day, minutes } = localTime(at, window.timezone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  const crosses = end <= start;
  let startedOn: LocalTime['day'] | null = null;
  if (!crosses) {
    if (minutes >= start && minutes < end) startedOn = day;
  } else if (minutes >= start) {
    startedOn = day;
  } else if (minutes < end) {
    startedOn = DAYS[(DAYS.indexOf(day) + 6) % 7] as LocalTime['day'];
  }
  if (startedOn === null) return false;
  return !window.days || window.days.length === 0 || window.days.includes(startedOn);
}

/** The next instant (minute resolution, within 8 days) at which the window is open, or null. */
export function nextWindowOpening(window: WindowSpec, from: number): number | null {
  const minute = 60_000;
  let at = Math.ceil(from / minute) * minute;
  for (let i = 0; i < 8 * 24 * 60; i += 1, at += minute) {
    if (insideWindow(window, at)) return at;
  }
  return null;
}

/**
 * The deadline as an instant: an ISO timestamp as written, or "HH:MM" meaning the first such time after the run
 * (this invocation) started, in the window's time zone or the machine's.
 */
export function deadlineInstant(deadline: string, startedAt: number, timeZone?: string): number {
  if (!/^\d{2}:\d{2}$/.test(deadline)) {
    const parsed = Date.parse(deadline);
    if (Number.isNaN(parsed)) throw new RangeError(`deadline "${deadline}" is neither HH:MM nor an ISO timestamp`);
    return parsed;
  }
  const target = toMinutes(deadline);
  const { minutes } = localTime(startedAt, timeZone);
  const wait = (target - minutes + 24 * 60) % (24 * 60) || 24 * 60;
  const startOfMinute = Math.floor(startedAt / 60_000) * 60_000;
  return startOfMinute + wait * 60_000;
}

export interface AdmissionRules {
  window?: WindowSpec;
  deadline?: string;
  /** When this invocation started (anchors an HH:MM deadline). */
  startedAt: number;
}

/** A function the scheduler asks before each repo starts: null means go, a string says why not. */
export function createAdmission(rules: AdmissionRules, now: () => number): () => string | null {
  const deadlineAt = rules.deadline ? deadlineInstant(rules.deadline, rules.startedAt, rules.window?.timezone) : null;
  return () => {
    const at = now();
    if (deadlineAt !== null && at >= deadlineAt) return `the deadline ${rules.deadline} has passed`;
    if (rules.window && !insideWindow(rules.window, at)) {
      const w = rules.window;
      const next = nextWindowOpening(w, at);
      const opens = next === null ? '' : `; it opens again at ${new Date(next).toISOString()}`;
      return `outside the time window ${w.start}-${w.end}${w.days ? ` (${w.days.join(',')})` : ''}${w.timezone ? ` ${w.timezone}` : ''}${opens}`;
    }
    return null;
  };
}
