/** A virtual clock for pacing tests: `sleep` registers a timer, `drive` runs a scenario and jumps time from timer to timer. */
export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Runs `scenario` to completion, advancing virtual time whenever nothing else can happen. */
  drive<T>(scenario: Promise<T>): Promise<T>;
}

export function virtualClock(): VirtualClock {
  let t = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const idle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    now: () => t,
    sleep(ms) {
      return new Promise((resolve) => timers.push({ at: t + Math.max(0, ms), resolve }));
    },
    async drive(scenario) {
      let settled = false;
      const watched = scenario.finally(() => {
        settled = true;
      });
      for (;;) {
        await idle();
        if (settled) return watched;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) return watched;
        t = Math.max(t, next.at);
        next.resolve();
      }
    },
  };
}
