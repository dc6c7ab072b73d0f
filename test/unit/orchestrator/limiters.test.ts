import { describe, expect, it } from 'vitest';
import { createStageLimiters } from '../../../src/orchestrator/limiters.js';
import type { RepoRef } from '../../../src/domain/repo.js';

const repo: RepoRef = { key: '/r', url: '/r', kind: 'local', owner: 'o', name: 'r', display: 'o/r', env: {} };

describe('sandbox stage limiter', () => {
  it('gives creation slots at once when no rate is set', async () => {
    const limiters = createStageLimiters({ gitPerHost: 4, sandboxes: 10 });
    const slots = Promise.all(Array.from({ length: 50 }, () => limiters.creationSlot())).then(() => 'slots');
    const timer = new Promise((resolve) => setTimeout(() => resolve('timer'), 0));
    expect(await Promise.race([slots, timer])).toBe('slots');
  });

  it('gives at most `count` creation slots in any rolling window of the rate (plus its margin), retries included', async () => {
    // A window long enough that the 5% margin (50 ms a pair) covers a busy machine's late timers and preemption
    // between the slot and the time taken here; with 200 ms it was 10 ms, and a run on a loaded machine measured less.
    const limiters = createStageLimiters({ gitPerHost: 4, sandboxes: 10, sandboxRate: { count: 2, perMs: 1_000 } });
    const starts: number[] = [];
    const create = async () => {
      await limiters.creationSlot();
      starts.push(performance.now());
    };

    // Five sandboxes, two of whose first creates are "refused" and tried again: seven creations in all.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        limiters.sandbox(async () => {
          await create();
          if (i < 2) await create();
        }),
      ),
    );

    expect(starts).toHaveLength(7);

    for (let i = 2; i < starts.length; i += 1) {
      // The contract is the configured rate; the margin on top is slack, not part of what is promised.
      expect((starts[i] as number) - (starts[i - 2] as number)).toBeGreaterThanOrEqual(1_000 - 2);
    }
  });

  it('ends a wait for a creation slot when its signal aborts; the abandoned places do not delay the next slot', async () => {
    const limiters = createStageLimiters({ gitPerHost: 4, sandboxes: 10, sandboxRate: { count: 1, perMs: 200 } });
    await limiters.creationSlot();
    const abort = new AbortController();
    const waiting = Array.from({ length: 5 }, () => limiters.creationSlot(abort.signal).then(() => 'slot', (err: unknown) => err));
    abort.abort(new Error('stop'));

    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 5 }, () => new Error('stop')));
    // The next slot is one interval after the first (200 ms), not six (1,200 ms); the margin is for a loaded machine.
    const started = performance.now();
    await limiters.creationSlot();
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('holds at most `sandboxes` operations at once', async () => {
    const limiters = createStageLimiters({ gitPerHost: 4, sandboxes: 3 });
    let running = 0;
    let peak = 0;

    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiters.sandbox(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 10));
          running -= 1;
        }),
      ),
    );
    await limiters.git(repo, async () => undefined);

    expect(peak).toBe(3);
  });

  it('holds at most `gitPerHost` git operations per git host, hosts independently of each other', async () => {
    const limiters = createStageLimiters({ gitPerHost: 2, sandboxes: 10 });
    const on = (host: string): RepoRef => ({ key: `https://${host}/o/r`, url: `https://${host}/o/r.git`, kind: 'git', owner: 'o', name: 'r', display: 'o/r', env: {} });
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    let peakTotal = 0;
    const op = (host: string) =>
      limiters.git(on(host), async () => {
        running.set(host, (running.get(host) ?? 0) + 1);
        peak.set(host, Math.max(peak.get(host) ?? 0, running.get(host) as number));
        peakTotal = Math.max(peakTotal, [...running.values()].reduce((a, b) => a + b, 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
        running.set(host, (running.get(host) as number) - 1);
      });

    await Promise.all([...Array.from({ length: 6 }, () => op('git.a.example')), ...Array.from({ length: 6 }, () => op('git.b.example'))]);

    expect(Object.fromEntries(peak)).toEqual({ 'git.a.example': 2, 'git.b.example': 2 });
    expect(peakTotal).toBe(4);
  });
});

describe('git stage limiter', () => {
  it('lets the waiting operation of the stage furthest along go first; the same stage keeps its order', async () => {
    const limiters = createStageLimiters({ gitPerHost: 1, sandboxes: 1 });
    const order: string[] = [];
    let release!: () => void;
    const busy = limiters.git(repo, () => new Promise<void>((r) => (release = r)));
    const waiting = [
      limiters.git(repo, async () => void order.push('resolve 1')),
      limiters.git(repo, async () => void order.push('checkout 1'), 'checkout'),
      limiters.git(repo, async () => void order.push('resolve 2'), 'resolve'),
      limiters.git(repo, async () => void order.push('push 1'), 'publish'),
      limiters.git(repo, async () => void order.push('checkout 2'), 'checkout'),
    ];
    release();
    await Promise.all([busy, ...waiting]);
    expect(order).toEqual(['push 1', 'checkout 1', 'checkout 2', 'resolve 1', 'resolve 2']);
  });
});
