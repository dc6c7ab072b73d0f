/**
 * Synchronous file-system work in slices: a synchronous call costs only itself, where one through libuv's thread
 * pool costs tens of microseconds of hand-over for the few it does; between slices the event loop runs whatever
 * else is waiting, so nothing waits on such work for more than one slice.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export class TimeSlices {
  private started = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Whether the current slice is used up (checked before each step, cheaply, without awaiting). */
  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Lets the event loop run, then starts a new slice. */
  async next(): Promise<void> {
    await yieldToEventLoop();
    this.started = performance.now();
  }
}
