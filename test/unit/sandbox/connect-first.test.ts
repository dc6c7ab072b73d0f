import net, { type AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { attemptTimeoutMs, connectFirst } from '../../../src/sandbox/shared/network/connect-first.js';

describe('how long the egress proxy tries one address of a name (attemptTimeoutMs)', () => {
  it.each([
    { name: 'a single address gets the whole budget', remainingMs: 15_000, addressesLeft: 1, want: 15_000 },
    { name: 'of two, the first gets half and leaves the rest to the second', remainingMs: 15_000, addressesLeft: 2, want: 7_500 },
    { name: 'of eight, each gets an eighth of what remains', remainingMs: 15_000, addressesLeft: 8, want: 1_875 },
    { name: 'what a fast failure left over goes to those after it', remainingMs: 14_990, addressesLeft: 7, want: 2_142 },
    { name: 'no share is shorter than the shortest attempt worth making', remainingMs: 15_000, addressesLeft: 30, want: 1_000 },
    { name: 'nor longer than what remains', remainingMs: 600, addressesLeft: 3, want: 600 },
  ])('$name', ({ remainingMs, addressesLeft, want }) => {
    expect(attemptTimeoutMs(remainingMs, addressesLeft, 1_000)).toBe(want);
  });
});

describe('connectFirst with a budget no longer than one attempt', () => {
  // A millisecond gone between setting the budget and the first try (a busy event loop) left less than one attempt,
  // and the only address was skipped: a 502 without trying.
  it('tries the first address even when the clock has moved on before it', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    let clock = 0;

    const socket = await connectFirst({
      addresses: [{ address: '127.0.0.1', family: 4 }],
      port: (server.address() as AddressInfo).port,
      budgetMs: 200,
      minAttemptMs: 200,
      track: () => undefined,
      abandoned: () => false,
      now: () => (clock += 1),
    });
    onTestFinished(() => void socket.destroy());

    expect(socket.remoteAddress).toBe('127.0.0.1');
  });
});
