/**
 * The pacing layer on a virtual clock: the fleet-wide budget at its real sizes (60/min, 400/h), the one-second
 * spacing of writes measured between answer and next send, the longer spacing of notifying requests, reads left
 * parallel, and the pause gate closing for every request after a rate-limit answer.
 */
import { describe, expect, it } from 'vitest';
import { createPacedFetch } from '../../../../src/codehost/github/paced-fetch.js';
import { pacingFor, type GithubPacing } from '../../../../src/codehost/github/pacing.js';
import { createPauseGate, monotonicNow } from '../../../../src/codehost/github/pause-gate.js';
import { createWriteBudget } from '../../../../src/codehost/github/write-budget.js';
import { virtualClock, type VirtualClock } from './virtual-clock.js';

const API = 'https://ghe.example.com/api/v3';

interface Sent {
  at: number;
  method: string;
  path: string;
}

function setup(options: { pacing?: Partial<GithubPacing>; answer?: (sent: Sent, index: number) => Response; prRate?: { count: number; perMs: number } } = {}) {
  const clock = virtualClock();
  const pacing: GithubPacing = { ...pacingFor({ githubWritesPerMinute: 60, githubWritesPerHour: 400 }, {}), ...options.pacing };
  const sent: Sent[] = [];
  const pauses: number[] = [];
  const gate = createPauseGate({ now: clock.now, sleep: clock.sleep, onPause: (p) => pauses.push(p.waitMs) });
  const budget = createWriteBudget({ perMinute: pacing.perMinute, perHour: pacing.perHour, minuteMs: pacing.minuteMs, hourMs: pacing.hourMs });
  const fetch = createPacedFetch({
    apiUrl: API,
    gate,
    budget,
    ...(options.prRate && {
      prBudget: createWriteBudget({ perMinute: options.prRate.count, perHour: options.prRate.count, minuteMs: options.prRate.perMs, hourMs: options.prRate.perMs }),
    }),
    pacing,
    now: clock.now,
    sleep: clock.sleep,
    fetch: async (input, init) => {
      const entry = { at: clock.now(), method: init?.method ?? 'GET', path: new URL(String(input)).pathname.replace('/api/v3', '') };
      sent.push(entry);
      // Every answer takes 50 virtual ms, so "after the answer" and "after the send" differ.
      await clock.sleep(50);
      return options.answer?.(entry, sent.length - 1) ?? json(200, {});
    },
  });
  const call = (method: string, path: string) => fetch(`${API}${path}`, { method });
  return { clock, sent, pauses, call, gate };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function maxWithin(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function all(clock: VirtualClock, calls: Promise<Response>[]): Promise<Response[]> {
  return clock.drive(Promise.all(calls));
}

describe('limits.pr-rate (virtual time)', () => {
  it('opens at most `count` pull requests per window; other writes are not held back by it', async () => {
    const { clock, sent, call } = setup({ pacing: { writeGapMs: 0, notificationGapMs: 0 }, prRate: { count: 3, perMs: 600_000 } });

    await all(
      clock,
      Array.from({ length: 8 }, (_, i) => [call('POST', `/repos/acme/r${i}/pulls`), call('POST', `/repos/acme/r${i}/issues/1/labels`)]).flat(),
    );

    const creations = sent.filter((s) => s.path.endsWith('/pulls')).map((s) => s.at);
    const labels = sent.filter((s) => s.path.endsWith('/labels')).map((s) => s.at);
    expect(creations).toHaveLength(8);
    expect(maxWithin(creations, 600_000)).toBe(3);
    // The eighth creation waits for two full windows; the labels do not wait for the PR rate at all.
    expect((creations[7] as number) - (creations[0] as number)).toBeGreaterThanOrEqual(2 * 600_000);
    expect(Math.max(...labels)).toBeLessThan(600_000);
  });
});

describe('write budget and spacing (virtual time)', () => {
  it('holds 60 per minute and 400 per hour over 450 writes from many repos at once', async () => {
    // No spacing here, so the budget alone decides (with one-second spacing, 60/min cannot even be reached).
    const { clock, sent, call } = setup({ pacing: { writeGapMs: 0, notificationGapMs: 0 } });

    await all(clock, Array.from({ length: 450 }, (_, i) => call('POST', `/repos/acme/r${i}/issues/1/labels`)));

    const times = sent.map((s) => s.at);
    expect(times).toHaveLength(450);
    expect(maxWithin(times, 60_000)).toBe(60);
    expect(maxWithin(times, 3_600_000)).toBe(400);
    // The 401st write waits for the first to leave the hour window.
    expect((times[400] as number) - (times[0] as number)).toBeGreaterThanOrEqual(3_600_000);
  });

  it('sends writes one at a time, each a second after the previous answer, three seconds between notifying ones; reads stay parallel', async () => {
    const { clock, sent, call } = setup();

    await all(clock, [
      call('POST', '/repos/acme/a/pulls'),
      call('POST', '/repos/acme/a/issues/1/labels'),
      call('POST', '/repos/acme/b/pulls'),
      call('POST', '/repos/acme/b/pulls/1/requested_reviewers'),
      call('GET', '/repos/acme/c'),
      call('GET', '/repos/acme/d'),
      call('POST', '/app/installations/1/access_tokens'),
    ]);

    const at = (path: string) => sent.find((s) => s.path === path)?.at;
    expect(at('/repos/acme/c')).toBe(0);
    expect(at('/repos/acme/d')).toBe(0);
    // Token minting is authentication: not queued behind writes, not counted.
    expect(at('/app/installations/1/access_tokens')).toBe(0);
    expect(at('/repos/acme/a/pulls')).toBe(0);
    expect(at('/repos/acme/a/issues/1/labels')).toBe(1_050);
    expect(at('/repos/acme/b/pulls')).toBe(3_050);
    expect(at('/repos/acme/b/pulls/1/requested_reviewers')).toBe(6_100);
  });
});

describe('pause gate (virtual time)', () => {
  it('stops every request for the retry-after of a secondary limit, and waits longer when the limit persists', async () => {
    const secondary = json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '5' });
    const { clock, sent, pauses, call } = setup({ answer: (_s, i) => (i === 0 || i === 3 ? secondary.clone() : json(200, {})) });

    const first = call('POST', '/repos/acme/a/pulls');
    const later = clock.sleep(60).then(() => Promise.all([call('GET', '/repos/acme/b'), call('POST', '/repos/acme/c/issues/1/labels')]));
    await clock.drive(Promise.all([first, later]));
    // The read and the write asked for during the pause were held until it ended (refusal answered at 50, + 5 s).
    expect(sent.slice(1, 3).map((s) => s.at)).toEqual([5_050, 5_050]);
    expect(pauses).toEqual([5_000]);

    // A success ends the episode: the next refusal waits the named time again; refused once more, twice as long.
    await clock.drive(call('GET', '/repos/acme/d'));
    await clock.drive(call('GET', '/repos/acme/e'));
    expect(pauses).toEqual([5_000, 5_000]);
    const refusedAt = sent[3]?.at as number;
    expect(sent[4]?.at).toBe(refusedAt + 50 + 5_000);
  });

  it('doubles the pause while GitHub keeps refusing, and starts over after a success', async () => {
    const secondary = () => json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '5' });
    const { clock, sent, pauses, call } = setup({ answer: (_s, i) => (i <= 2 ? secondary() : json(200, {})) });

    for (const path of ['/a', '/b', '/c', '/d']) await clock.drive(call('GET', `/repos/acme${path}`));
    await clock.drive(call('GET', '/repos/acme/e'));

    expect(pauses).toEqual([5_000, 10_000, 20_000]);
    expect(sent.map((s) => s.at)).toEqual([0, 5_050, 15_100, 35_150, 35_200]);
  });

  it('keeps doubling while writes are refused even though reads go through; a write that goes through starts over', async () => {
    // GitHub's content-creation limit refuses writes only: the fleet's reads keep succeeding meanwhile.
    const secondary = () => json(403, { message: 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation.' });
    const refused = new Set([0, 2, 4, 7]);
    const { clock, pauses, call } = setup({ pacing: { secondaryFallbackSeconds: 5 }, answer: (_s, i) => (refused.has(i) ? secondary() : json(200, {})) });

    // Refused write, read, refused write (retried), read, refused write, then the write goes through.
    for (const [method, path] of [
      ['POST', '/repos/acme/a/pulls'],
      ['GET', '/repos/acme/b'],
      ['POST', '/repos/acme/a/pulls'],
      ['GET', '/repos/acme/b'],
      ['POST', '/repos/acme/a/pulls'],
      ['POST', '/repos/acme/a/pulls'],
      ['GET', '/repos/acme/b'],
      ['POST', '/repos/acme/c/pulls'],
    ] as const) {
      await clock.drive(call(method, path));
    }

    expect(pauses).toEqual([5_000, 10_000, 20_000, 5_000]);
  });

  it('lets a read end the streak once no write has been refused for the longest doubled pause', async () => {
    const secondary = () => json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '5' });
    const { clock, pauses, call } = setup({ answer: (_s, i) => (i === 0 || i === 2 || i === 4 ? secondary() : json(200, {})) });

    // The last PR of the run is refused and never tried again; the reads go on (a status refresh, say).
    await clock.drive(call('POST', '/repos/acme/a/pulls'));
    await clock.drive(call('GET', '/repos/acme/b'));
    await clock.drive(call('GET', '/repos/acme/b'));
    await clock.drive(clock.sleep(16 * 60_000));
    await clock.drive(call('GET', '/repos/acme/b'));
    await clock.drive(call('GET', '/repos/acme/b'));

    // Refused write: 5 s; a read refused while the write's refusal is recent: doubled; 16 minutes later: 5 s again.
    expect(pauses).toEqual([5_000, 10_000, 5_000]);
  });

  it('keeps the longest pause while writes keep being refused, though the first read after each goes through', async () => {
    const secondary = () => json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' });
    const { clock, pauses, call } = setup({ answer: (_s, i) => (i % 2 === 1 ? secondary() : json(200, {})) });

    for (let i = 0; i < 8; i += 1) {
      await clock.drive(call('GET', '/repos/acme/b'));
      await clock.drive(call('POST', '/repos/acme/a/pulls'));
    }

    expect(pauses).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000, 900_000]);
  });

  it('ends a streak of refused reads with a read that goes through', async () => {
    const secondary = () => json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '5' });
    const { clock, pauses, call } = setup({ answer: (_s, i) => (i === 0 || i === 1 || i === 3 ? secondary() : json(200, {})) });

    for (const path of ['/a', '/a', '/a', '/b']) await clock.drive(call('GET', `/repos/acme${path}`));

    expect(pauses).toEqual([5_000, 10_000, 5_000]);
  });

  it('pauses for the fallback after a 429 without retry-after, until the reset after an exhausted primary window, and before it runs out', async () => {
    const reset = () => String(Math.floor(Date.now() / 1000) + 30);
    const answers = [
      json(429, { message: 'Too many requests' }),
      json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset() }),
      json(200, {}, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': reset() }),
      json(403, { message: 'Resource not accessible by integration' }),
    ];
    const { clock, pauses, call } = setup({ pacing: { secondaryFallbackSeconds: 60 }, answer: (_s, i) => answers[i] ?? json(200, {}) });

    for (const path of ['/a', '/b', '/c', '/d']) await clock.drive(call('GET', `/repos/acme${path}`));

    expect(pauses[0]).toBe(60_000);
    // Reset is ~30 s ahead (wall clock) plus a second.
    expect(pauses[1]).toBeGreaterThan(29_000);
    expect(pauses[1]).toBeLessThanOrEqual(31_000);
    // 42 of 5000 left is under 2 %: stop until the reset instead of running into the limit.
    expect(pauses[2]).toBeGreaterThan(29_000);
    // A 403 that is not a rate limit (no permission) does not pause anything.
    expect(pauses).toHaveLength(3);
  });

  it('waits until the reset after a secondary limit without retry-after that also used up the primary window', async () => {
    // GitHub's order: retry-after when given; else, with x-ratelimit-remaining 0, until the reset; else a minute.
    const inSeconds = (s: number) => String(Math.floor(Date.now() / 1000) + s);
    const answers = [
      json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(600) }),
      json(200, {}),
      // A reset sooner than the minute GitHub asks for at least.
      json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(5) }),
    ];
    const { clock, pauses, call } = setup({ pacing: { secondaryFallbackSeconds: 60 }, answer: (_s, i) => answers[i] ?? json(200, {}) });

    for (const path of ['/a', '/b', '/c']) await clock.drive(call('GET', `/repos/acme${path}`));

    expect(pauses[0]).toBeGreaterThan(599_000);
    expect(pauses[0]).toBeLessThanOrEqual(601_000);
    expect(pauses[1]).toBe(60_000);
  });

  it('waits for a primary reset half an hour away in full, and caps only the doubling of secondary pauses', async () => {
    const inSeconds = (s: number) => String(Math.floor(Date.now() / 1000) + s);
    const secondary = (retryAfter: string) => json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': retryAfter });
    const answers = [
      json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(1_800) }),
      json(200, {}, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': inSeconds(1_800) }),
      // A reset a day away is no GitHub window (an hour at most): a clock far off, not a reason to stop for a day.
      json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(86_400) }),
      secondary('1200'),
      json(200, {}),
      secondary('600'),
      secondary('600'),
    ];
    const { clock, pauses, call } = setup({ answer: (_s, i) => answers[i] ?? json(200, {}) });

    for (const path of ['/a', '/b', '/c', '/d', '/e', '/f', '/g']) await clock.drive(call('GET', `/repos/acme${path}`));

    const minutes = pauses.map((ms) => Math.round(ms / 60_000));
    // Exhausted window and the early stop under 2 %: until the reset, 30 minutes away.
    expect(minutes.slice(0, 2)).toEqual([30, 30]);
    expect(pauses[0]).toBeGreaterThan(1_799_000);
    expect(minutes[2]).toBe(65);
    // A retry-after of 20 minutes is waited for in full; after a success, doubling 10 minutes stops at 15.
    expect(minutes.slice(3)).toEqual([20, 10, 15]);
  });
});

describe('pacing settings', () => {
  it('takes the budget from the manifest and refuses a malformed FLEETMOD_GITHUB_PACING', () => {
    expect(pacingFor({ githubWritesPerMinute: 30, githubWritesPerHour: 200 }, {})).toMatchObject({ perMinute: 30, perHour: 200, writeGapMs: 1000, notificationGapMs: 3000 });
    expect(pacingFor({ githubWritesPerMinute: 30, githubWritesPerHour: 200 }, { FLEETMOD_GITHUB_PACING: '{"writeGapMs":0}' }).writeGapMs).toBe(0);
    expect(() => pacingFor({ githubWritesPerMinute: 1, githubWritesPerHour: 1 }, { FLEETMOD_GITHUB_PACING: '{"writeGap":0}' })).toThrow('unknown setting "writeGap"');
    expect(() => pacingFor({ githubWritesPerMinute: 1, githubWritesPerHour: 1 }, { FLEETMOD_GITHUB_PACING: 'fast' })).toThrow('must be a JSON object');
  });
});

describe('the run’s hard stop', () => {
  it('ends a request waiting out an hour-long pause, and one waiting for the write budget, at once', async () => {
    const stop = new AbortController();
    const gate = createPauseGate();
    const pacing: GithubPacing = { ...pacingFor({ githubWritesPerMinute: 1, githubWritesPerHour: 1 }, {}), writeGapMs: 0, notificationGapMs: 0 };
    const budget = createWriteBudget({ perMinute: 1, perHour: 1, minuteMs: 60_000, hourMs: 3_600_000 });
    let sent = 0;
    const fetch = createPacedFetch({
      apiUrl: API,
      gate,
      budget,
      pacing,
      signal: stop.signal,
      fetch: async () => {
        sent += 1;
        return new Response('{}', { status: 201 });
      },
    });
    // The hour's one write goes through; the next waits for the budget. A read waits out a primary-limit pause.
    await fetch(`${API}/repos/a/b/issues/1/labels`, { method: 'POST' });
    const write = fetch(`${API}/repos/a/b/issues/2/labels`, { method: 'POST' });
    gate.pause({ waitMs: 3_600_000, sentAt: monotonicNow(), grow: false, write: false, reason: 'primary rate limit used up' });
    const read = fetch(`${API}/repos/a/b`);
    const outcomes = Promise.allSettled([write, read]);

    const started = performance.now();
    setTimeout(() => stop.abort(), 50);
    const [wrote, readIt] = await outcomes;

    expect(performance.now() - started).toBeLessThan(30_000);
    expect(wrote).toMatchObject({ status: 'rejected', reason: { name: 'AbortError' } });
    expect(readIt).toMatchObject({ status: 'rejected', reason: { name: 'AbortError' } });
    expect(sent).toBe(1);
  });
});
