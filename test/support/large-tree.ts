/** A large folder tree for the tests of walks that must share the event loop, and a way to see that they do. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Makes `dirs` folders of `filesEach` empty files under `root`. */
export async function makeLargeTree(root: string, dirs = 20, filesEach = 250): Promise<void> {
  for (let d = 0; d < dirs; d += 1) {
    await mkdir(path.join(root, `d${d}`), { recursive: true });
    await Promise.all(Array.from({ length: filesEach }, (_, f) => writeFile(path.join(root, `d${d}`, `f${f}`), '')));
  }
}

/** How many times the event loop turned while `work` ran: 0 when it held the loop from start to end. */
export async function eventLoopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    turns += 1;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}
