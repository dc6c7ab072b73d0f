/**
 * A fake E2B for offline tests, spoken to by the real `e2b` SDK: a control-plane server and an envd server on
 * 127.0.0.1 (port 0), where every sandbox is a temporary directory and every command runs in bubblewrap.
 * Closed after each test that starts one (onTestFinished), including the SDK's kept-alive sockets.
 *
 *   const fake = await startFakeE2b({ maxConcurrent: 20, startLatencyMs: 20 });
 *   const io = captureIo(root, testEnv(fake.env()));
 */
import { onTestFinished } from 'vitest';
import type { FakeE2bOptions } from './options.js';
import { startFakeE2bServer, type FakeE2b } from './server.js';

export type { Fault, FakeE2bOptions } from './options.js';
export { CONCURRENCY_LIMIT_MESSAGE } from './options.js';
export type { FakeE2b } from './server.js';

export async function startFakeE2b(options: FakeE2bOptions = {}, { autoClose = true } = {}): Promise<FakeE2b> {
  const fake = await startFakeE2bServer(options);
  if (autoClose) onTestFinished(() => fake.close());
  return fake;
}
