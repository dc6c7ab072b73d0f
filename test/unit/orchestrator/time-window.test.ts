import { describe, expect, it } from 'vitest';
import { createAdmission, deadlineInstant, insideWindow, nextWindowOpening, windowWaitEnd } from '../../../src/orchestrator/time-window.js';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('time windows', () => {
  it('a window that crosses midnight is open late evening and early morning, closed during the day', () => {
    const night = { start: '22:00', end: '06:00', timezone: 'UTC' };

    expect(insideWindow(night, utc('2026-11-26T21:59:00'))).toBe(false);
    expect(insideWindow(night, utc('2026-11-26T22:00:00'))).toBe(true);
    expect(insideWindow(night, utc('2026-11-27T05:59:00'))).toBe(true);
    expect(insideWindow(night, utc('2026-11-27T06:00:00'))).toBe(false);
    expect(insideWindow(night, utc('2026-11-27T12:00:00'))).toBe(false);
  });

  it('weekdays apply to the day the window started on', () => {
    // 2026-11-27 is a Friday, 2026-11-28 a Saturday.
    const weeknights = { start: '22:00', end: '06:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], timezone: 'UTC' };

    expect(insideWindow(weeknights, utc('2026-11-27T23:00:00'))).toBe(true);
    expect(insideWindow(weeknights, utc('2026-11-28T03:00:00'))).toBe(true);
    expect(insideWindow(weeknights, utc('2026-11-28T23:00:00'))).toBe(false);
  });

  it('honours the time zone', () => {
    const berlinNight = { start: '22:00', end: '23:00', timezone: 'Europe/Berlin' };

    expect(insideWindow(berlinNight, utc('2026-11-26T21:30:00'))).toBe(true);
    expect(insideWindow(berlinNight, utc('2026-11-26T22:30:00'))).toBe(false);
  });

  it('finds the next opening', () => {
    const night = { start: '22:00', end: '06:00', timezone: 'UTC' };

    expect(nextWindowOpening(night, utc('2026-11-26T12:00:30'))).toBe(utc('2026-11-26T22:00:00'));
    expect(nextWindowOpening(night, utc('2026-11-26T23:00:00'))).toBe(utc('2026-11-26T23:00:00'));
  });

  it('an HH:MM deadline is the first such time after the start; ISO timestamps are taken as written', () => {
    expect(deadlineInstant('07:00', utc('2026-11-26T22:00:00'), 'UTC')).toBe(utc('2026-11-27T07:00:00'));
    expect(deadlineInstant('07:00', utc('2026-11-27T06:00:00'), 'UTC')).toBe(utc('2026-11-27T07:00:00'));
    expect(deadlineInstant('2026-12-01T05:00:00Z', 0)).toBe(utc('2026-12-01T05:00:00'));
    expect(() => deadlineInstant('tomorrow', 0)).toThrow(/neither HH:MM nor an ISO timestamp/);
  });

  it('an HH:MM deadline is that wall-clock time when the night changes to or from daylight saving time', () => {
    // Europe/Berlin: 2026-10-25 03:00 CEST (UTC+2) becomes 02:00 CET (UTC+1); 2026-03-29 02:00 CET becomes 03:00 CEST.
    const fallBackEvening = utc('2026-10-24T20:00:00'); // 22:00 CEST
    const springForwardEvening = utc('2026-03-28T21:00:00'); // 22:00 CET

    expect(deadlineInstant('07:00', fallBackEvening, 'Europe/Berlin')).toBe(utc('2026-10-25T06:00:00')); // 07:00 CET
    expect(deadlineInstant('07:00', springForwardEvening, 'Europe/Berlin')).toBe(utc('2026-03-29T05:00:00')); // 07:00 CEST
    // 02:30 happens twice on the fall-back night: the first one after the start counts.
    expect(deadlineInstant('02:30', fallBackEvening, 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00'));
    expect(deadlineInstant('02:30', utc('2026-10-25T00:45:00'), 'Europe/Berlin')).toBe(utc('2026-10-25T01:30:00'));
    // 02:30 does not happen on the spring-forward night: the deadline is when the clock jumps past it (03:00 CEST).
    expect(deadlineInstant('02:30', springForwardEvening, 'Europe/Berlin')).toBe(utc('2026-03-29T01:00:00'));
  });

  it('--wait waits for the opening unless an ISO deadline comes first; an HH:MM deadline counts from the opening', () => {
    // Wednesday noon; the window opens on Saturday at 22:00.
    const weekend = { start: '22:00', end: '06:00', days: ['sat'], timezone: 'UTC' };
    const wednesday = utc('2026-11-25T12:00:00');

    expect(windowWaitEnd({ window: weekend }, wednesday)).toBe(utc('2026-11-28T22:00:00'));
    expect(windowWaitEnd({ window: weekend, deadline: '05:00' }, wednesday)).toBe(utc('2026-11-28T22:00:00'));
    expect(windowWaitEnd({ window: weekend, deadline: '2026-11-29T05:00:00Z' }, wednesday)).toBe(utc('2026-11-28T22:00:00'));
    expect(windowWaitEnd({ window: weekend, deadline: '2026-11-28T05:00:00Z' }, wednesday)).toBeNull();
    expect(windowWaitEnd({ window: weekend }, utc('2026-11-28T23:00:00'))).toBeNull();
    expect(windowWaitEnd({ deadline: '05:00' }, wednesday)).toBeNull();
  });

  it('--wait reads an ISO deadline without an offset on the window\'s clock, as the run does', () => {
    // The window opens on Saturday at 22:00 in Tokyo (13:00 UTC); the deadline, 21:00 in Tokyo, comes an hour before.
    const tokyo = { start: '22:00', end: '06:00', days: ['sat'], timezone: 'Asia/Tokyo' };
    const wednesday = utc('2026-11-25T12:00:00');

    expect(windowWaitEnd({ window: tokyo, deadline: '2026-11-28T21:00' }, wednesday)).toBeNull();
    expect(windowWaitEnd({ window: tokyo, deadline: '2026-11-28T23:00' }, wednesday)).toBe(utc('2026-11-28T13:00:00'));
  });

  it('an ISO deadline without an offset is on the clock of the window\'s time zone, like an HH:MM one', () => {
    expect(deadlineInstant('2026-11-29T07:00', 0, 'Europe/Berlin')).toBe(utc('2026-11-29T06:00:00')); // CET
    expect(deadlineInstant('2026-07-01 07:00:30', 0, 'Europe/Berlin')).toBe(utc('2026-07-01T05:00:30')); // CEST
    expect(deadlineInstant('2026-11-29T07:00:00+03:00', 0, 'Europe/Berlin')).toBe(utc('2026-11-29T04:00:00'));
    expect(deadlineInstant('2026-11-29T07:00:00Z', 0, 'Europe/Berlin')).toBe(utc('2026-11-29T07:00:00'));
    // 02:30 does not happen on the spring-forward night: read with the offset from before the jump (03:30 CEST).
    expect(deadlineInstant('2026-03-29T02:30', 0, 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00'));
  });

  it('admission says why a repo may not start', () => {
    let now = utc('2026-11-26T22:30:00');
    const admit = createAdmission(
      { window: { start: '22:00', end: '06:00', timezone: 'UTC' }, deadline: '05:00', startedAt: now },
      () => now,
    );

    expect(admit()).toBeNull();
    now = utc('2026-11-27T05:30:00');
    expect(admit()).toBe('the deadline 05:00 has passed');
    const outside = createAdmission({ window: { start: '22:00', end: '06:00', timezone: 'UTC' }, startedAt: 0 }, () => utc('2026-11-27T07:00:00'));
    expect(outside()).toBe('outside the time window 22:00-06:00 UTC; it opens again at 2026-11-27T22:00:00.000Z');
  });
});
