/** The real SDK, bound to a fake E2B (no process.env involved). */
import { E2B } from 'e2b';
import type { FakeE2b } from './index.js';

export function sdkFor(fake: FakeE2b, apiKey = fake.apiKey): E2B {
  return new E2B({ apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl, requestTimeoutMs: 20_000 });
}
