import { describe, expect, it } from 'vitest';
import { SandboxLost } from '../../../src/domain/errors.js';
import { runBestOfN } from '../../../src/orchestrator/best-of-n.js';
import { fakeBestOfN } from '../../support/best-of-n-fakes.js';

describe('best of N on E2B: a candidate whose sandbox was lost', () => {
  it('keeps its billed sandbox time and running time in its row, so the rows add up to what the task was charged', async () => {
    // The agent step of candidate-1 ran, then E2B lost its sandbox (SandboxLost: an infrastructure error).
    const fake = fakeBestOfN({
      provider: 'e2b',
      billedSeconds: 600,
      select: 'first-passing',
      exec: (position) => {
        if (position === 0) throw new SandboxLost('sandbox sb-0 disappeared');
        return {};
      },
    });
    let clock = 0;
    fake.deps.now = () => (clock += 1_000);

    await runBestOfN(fake.deps, fake.config, fake.input);

    expect(fake.journal.taskSeconds).toBe(1_200);
    expect(fake.journal.candidates.map((c) => [c.name, c.status, c.sandboxSeconds])).toEqual([
      ['candidate-1', 'error', 600],
      ['candidate-2', 'passed', 600],
    ]);
    expect(fake.journal.candidates.reduce((sum, c) => sum + c.sandboxSeconds, 0)).toBe(fake.journal.taskSeconds);
    expect(fake.journal.candidates[0]!.durationMs).toBeGreaterThan(0);
  });
});
