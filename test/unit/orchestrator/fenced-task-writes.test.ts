/**
 * The ownership lease behind the fenced task writes: a confirmation is trusted for the lease and no longer, a clock
 * that went back does not extend it, and a write made while the run is another's is dropped.
 */
import { describe, expect, it } from 'vitest';
import { fenceTaskWrites, leasedOwnership } from '../../../src/orchestrator/fenced-task-writes.js';
import type { RunStore } from '../../../src/store/types.js';

function clockAndJournal() {
  let clock = 1_000_000;
  let ownedInJournal = true;
  let asked = 0;
  const lease = leasedOwnership(
    () => {
      asked += 1;
      if (ownedInJournal) lease.confirmed();
      return ownedInJournal;
    },
    () => clock,
    5_000,
  );
  return {
    lease,
    advance: (ms: number) => (clock += ms),
    takeOver: () => (ownedInJournal = false),
    asked: () => asked,
  };
}

describe('leasedOwnership', () => {
  it('asks the journal first, then trusts the confirmation for the lease, and asks again once it is older', () => {
    const { lease, advance, asked, takeOver } = clockAndJournal();

    expect(lease.owned()).toBe(true);
    advance(4_999);
    expect(lease.owned()).toBe(true);
    expect(asked()).toBe(1);
    takeOver();
    advance(1);
    expect(lease.owned()).toBe(false);
    expect(asked()).toBe(2);
  });

  it('does not trust a confirmation from what is the future after the clock went back', () => {
    const { lease, advance, asked } = clockAndJournal();
    lease.owned();

    advance(-60_000);
    lease.owned();

    expect(asked()).toBe(2);
  });
});

describe('fenceTaskWrites', () => {
  it('drops the task writes once the run is not owned, and leaves reads and run writes alone', () => {
    const calls: string[] = [];
    let owned = true;
    const store = {
      updateTask: (id: number) => calls.push(`updateTask ${id}`),
      appendTaskLog: (id: number, text: string) => calls.push(`appendTaskLog ${id} ${text}`),
      getTask: (id: number) => ({ id }),
      heartbeat: () => true,
    } as unknown as RunStore;
    const fenced = fenceTaskWrites(store, () => owned);

    fenced.updateTask(1, {});
    owned = false;
    fenced.updateTask(2, {});
    fenced.appendTaskLog(2, 'after the takeover');

    expect(calls).toEqual(['updateTask 1']);
    expect(fenced.getTask(2)).toEqual({ id: 2 });
    expect(fenced.heartbeat('r', null)).toBe(true);
  });
});
