import { describe, expect, it } from 'vitest';
import { e2bProvider, sampleCheckout, sandboxRequest, sdkOf } from '../../support/e2b-provider.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

describe('E2B: a step that prints far more than sandbox.output', () => {
  // Written against e2b 2.51.0, whose CommandHandle keeps every chunk in `stdout`/`stderr`. If an SDK upgrade makes
  // this fail, the handle holds output again: see src/sandbox/e2b/handle-output.ts.
  it("is capped, and the SDK's command handle does not hold its output either, at any time while it runs", async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const sandbox = await provider.create(sandboxRequest(await sampleCheckout(), { limits: { timeoutMs: 120_000, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 1000 } }));
    const sdk = sdkOf(sandbox);
    const run = sdk.commands.run.bind(sdk.commands) as (...args: unknown[]) => Promise<{ stdout: string; stderr: string }>;
    const handles: { stdout: string; stderr: string }[] = [];
    (sdk.commands as { run: unknown }).run = async (...args: unknown[]) => {
      const handle = await run(...args);
      handles.push(handle);
      return handle;
    };
    let peak = 0;
    const sample = setInterval(() => {
      for (const h of handles) peak = Math.max(peak, h.stdout.length, h.stderr.length);
    }, 5);

    const result = await sandbox.exec('head -c 40000000 /dev/zero | tr "\\0" a; head -c 10000000 /dev/zero | tr "\\0" b >&2; echo; echo finished');
    clearInterval(sample);
    await provider.shutdown();

    expect(result).toMatchObject({ exitCode: 0, truncated: true });
    expect(result.stdout.length).toBeLessThan(2000);
    expect(result.stdout).toMatch(/^a+[\s\S]*finished\n$/);
    expect(result.stderr).toMatch(/^b+/);
    expect(handles).toHaveLength(1);
    // At most a chunk or so, never the 40 MB printed.
    for (const h of handles) peak = Math.max(peak, h.stdout.length, h.stderr.length);
    expect(peak).toBeLessThan(2 ** 20);
  }, 120_000);
});
