/**
 * When new repositories may start: inside the daily window (e.g. 22:00–06:00, optionally on some weekdays, in a
 * time zone) and before the deadline. Pure functions of a clock, so they are tested without waiting.
 */
import type { WindowSpec } from '../manifest/job.js';
import { parseDateTimeIn } from '../util/zoned-date-time.js';
import { deadlinePassedReason } from './fixed-deadline.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface LocalTime {
  day: (typeof DAYS)[number];
  minutes: number;
}

/** Weekday and minutes since midnight of an instant in a time zone (the machine's when none is given). */
export function localTime(at: number, timeZone?: string): LocalTime {
  return localClock(timeZone)(at);
}

/** `localTime` for many instants in one zone: the formatter is made once (making one costs more than using it). */
function localClock(timeZone?: string): (at: number) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (at) => {
    const parts = format.formatToParts(new Date(at));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
    const day = get('weekday').slice(0, 3).toLowerCase() as LocalTime['day'];
    return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
  };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Whether `at` is inside the window. A window that crosses midnight belongs to the day it started on. */
export function insideWindow(window: WindowSpec, at: number): boolean {
  return insideWindowAt(window, localTime(at, window.timezone));
}

/** `insideWindow` for an instant already read on the window's clock. */
function insideWindowAt(window: WindowSpec, { day, minutes }: LocalTime): boolean {
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
  // One clock for the whole walk: making a formatter per minute made this take most of a second.
  const clock = localClock(window.timezone);
  let at = Math.ceil(from / minute) * minute;
  for (let i = 0; i < 8 * 24 * 60; i += 1, at += minute) {
    if (insideWindowAt(window, clock(at))) return at;
  }
  return null;
}

/**
 * The deadline as an instant: an ISO timestamp (without an offset: on the clock of the window's time zone or the
 * machine's), or "HH:MM" meaning the first such time after the run (this invocation) started, in that zone.
 */
export function deadlineInstant(deadline: string, startedAt: number, timeZone?: string): number {
  if (!isTimeOfDay(deadline)) {
    const parsed = parseDateTimeIn(deadline, timeZone);
    if (Number.isNaN(parsed)) throw new RangeError(`deadline "${deadline}" is neither HH:MM nor an ISO timestamp`);
    return parsed;
  }
  return nextTimeOfDay(toMinutes(deadline), startedAt, timeZone);
}

/**
 * The first minute after `from` at which the clock in the time zone shows `target` (minutes since midnight). Found
 * by walking the clock, not by adding the difference of the two times: on a night that changes to or from daylight
 * saving time the clock gains or loses an hour. A time the clock skips (02:30 when it jumps from 02:00 to 03:00)
 * is passed the moment it jumps; a time it shows twice (02:30 when it falls back from 03:00 to 02:00) counts once it
 * first comes after `from`.
 */
function nextTimeOfDay(target: number, from: number, timeZone?: string): number {
  const day = 24 * 60;
  const minute = 60_000;
  const clock = localClock(timeZone);
  let at = Math.floor(from / minute) * minute;
  let shown = clock(at).minutes;
  // A day and the largest daylight-saving shift in use (two hours) always reach it.
  for (let i = 0; i < day + 120; i += 1) {
    at += minute;
    const next = clock(at).minutes;
    // How far the clock moved in this minute: 1, more when it jumps forward; it falling back reads as nearly a day.
    const moved = (next - shown + day) % day;
    const ahead = (target - shown + day) % day;
    if (moved < day / 2 && ahead > 0 && ahead <= moved) return at;
    shown = next;
  }
  throw new RangeError(`the clock in ${timeZone ?? 'this machine\'s time zone'} never showed ${target} minutes after midnight within a day`);
}

export interface AdmissionRules {
  window?: WindowSpec;
  deadline?: string;
  /** When this invocation started (anchors an HH:MM deadline). */
  startedAt: number;
}

/**
 * With --wait: until when to wait before any repository starts, or null to start now — the window is open, or
 * waiting would be for nothing: an ISO deadline comes before the window opens, or it does not open within 8 days.
 * An HH:MM deadline never ends the wait: it counts from when the wait ends (its day may be long gone by then).
 */
export function windowWaitEnd(rules: Omit<AdmissionRules, 'startedAt'>, at: number): number | null {
  if (!rules.window || insideWindow(rules.window, at)) return null;
  const opens = nextWindowOpening(rules.window, at);
  if (opens === null) return null;
  if (rules.deadline && !isTimeOfDay(rules.deadline) && deadlineInstant(rules.deadline, at, rules.window.timezone) <= opens) return null;
  return opens;
}

/**
 * The job's deadline when it is a fixed date-time that has passed at `at`, else undefined. A run keeps its manifest's
 * limits when it is resumed, so such a run would pause again at once: going on takes an edited deadline, which makes
 * a new run (one that reuses what this one finished).
 */
export function passedFixedDeadline(limits: { deadline?: string; window?: WindowSpec }, at: number): string | undefined {
  const { deadline } = limits;
  if (!deadline || isTimeOfDay(deadline)) return undefined;
  return deadlineInstant(deadline, at, limits.window?.timezone) <= at ? deadline : undefined;
}

function isTimeOfDay(deadline: string): boolean {
  return /^\d{2}:\d{2}$/.test(deadline);
}

/** A function the scheduler asks before each repo starts: null means go, a string says why not. */
export function createAdmission(rules: AdmissionRules, now: () => number): () => string | null {
  const deadlineAt = rules.deadline ? deadlineInstant(rules.deadline, rules.startedAt, rules.window?.timezone) : null;
  // Asked before every repository: the window's clock (an Intl formatter) is made once, not per question.
  const clock = rules.window ? localClock(rules.window.timezone) : undefined;
  return () => {
    const at = now();
    if (deadlineAt !== null && at >= deadlineAt) return deadlinePassedReason(rules.deadline as string);
    if (rules.window && clock && !insideWindowAt(rules.window, clock(at))) {
      const w = rules.window;
      const next = nextWindowOpening(w, at);
      const opens = next === null ? '' : `; it opens again at ${new Date(next).toISOString()}`;
      return `outside the time window ${w.start}-${w.end}${w.days ? ` (${w.days.join(',')})` : ''}${w.timezone ? ` ${w.timezone}` : ''}${opens}`;
    }
    return null;
  };
}
