/**
 * The fleet-wide content-creation budget: at most `perMinute` content-creating requests in any `minuteMs` window
 * and `perHour` in any `hourMs` window (sliding windows, so no burst at a window boundary). One budget is made per
 * run and shared by every repository and every GitHub client of that run; it is separate from how many repos are
 * worked on at once.
 *
 * A request counts from the moment it is sent until its answer arrived: a request still in flight is counted as
 * happening "now", and a finished one at the time its answer came back. That is stricter than counting send times,
 * and it is what makes the limit hold as GitHub sees it, whatever the network delay.
 *
 * GitHub counts the past hour whichever process sent the writes: a run resumed after a stop or a crash (or a new
 * run) starts from the writes journaled before it (`earlier`) and journals its own (`onDone`), or it would start
 * with a full budget while GitHub still counts the stopped process's writes.
 */
export interface BudgetSlot {
  /** The request's answer arrived (or it failed) at `at`. */
  done(at: number): void;
}

export type BudgetAnswer = { slot: BudgetSlot } | { waitMs: number; window: 'minute' | 'hour' };

export interface WriteBudget {
  /**
   * Takes a slot for a request sent right now when one is free, or says how long to wait before asking again.
   * Synchronous on purpose: nothing can take the same free slot between the check and the count.
   */
  tryTake(at: number): BudgetAnswer;
  /** Requests counted in the short window ending at `at`. */
  usedInMinute(at: number): number;
}

export interface WriteBudgetOptions {
  perMinute: number;
  perHour: number;
  /** @default 60000 */
  minuteMs?: number;
  /** @default 3600000 */
  hourMs?: number;
  /** When the answers of writes made before this budget (an earlier process's) arrived; they count as usual. */
  earlier?: readonly number[];
  /** Told when a counted request's answer arrived, to journal it for the next process. */
  onDone?: (at: number) => void;
}

export function createWriteBudget(options: WriteBudgetOptions): WriteBudget {
  const { perMinute, perHour } = options;
  for (const [name, value] of [['perMinute', perMinute], ['perHour', perHour]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`${name}\` to be a whole number ≥ 1, got \`${value}\``);
  }
  const minuteMs = options.minuteMs ?? 60_000;
  const hourMs = options.hourMs ?? 3_600_000;
  /** `end` is null while the request is in flight. */
  const slots: { end: number | null }[] = (options.earlier ?? []).map((end) => ({ end }));

  /** Times of the counted requests in the window ending at `at`, newest first. */
  const timesWithin = (at: number, windowMs: number): number[] =>
    slots
      .map((s) => s.end ?? at)
      .filter((t) => t > at - windowMs)
      .sort((a, b) => b - a);

  const waitFor = (at: number, windowMs: number, limit: number): number => {
    const times = timesWithin(at, windowMs);
    if (times.length < limit) return 0;
    // The window has room again once the limit-th newest request has left it.
    return Math.max(1, (times[limit - 1] as number) + windowMs - at);
  };

  return {
    tryTake(at) {
      for (let i = slots.length - 1; i >= 0; i -= 1) {
        const end = slots[i]?.end;
        if (end !== null && end !== undefined && end <= at - hourMs) slots.splice(i, 1);
      }
      const hourWait = waitFor(at, hourMs, perHour);
      if (hourWait > 0) return { waitMs: hourWait, window: 'hour' };
      const minuteWait = waitFor(at, minuteMs, perMinute);
      if (minuteWait > 0) return { waitMs: minuteWait, window: 'minute' };
      const entry: { end: number | null } = { end: null };
      slots.push(entry);
      return {
        slot: {
          done(end) {
            if (entry.end !== null) return;
            entry.end = end;
            options.onDone?.(end);
          },
        },
      };
    },
    usedInMinute(at) {
      return timesWithin(at, minuteMs).length;
    },
  };
}
