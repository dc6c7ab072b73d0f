import { describe, expect, it } from 'vitest';
import { ChangeTooLarge } from '../../../src/domain/errors.js';
import { e2bProvider, sampleCheckout, sandboxRequest, sdkOf } from '../../support/e2b-provider.js';
import { startFakeE2b } from '../../support/fake-e2b/index.js';

const MAX_CHANGE = 64 * 1024;

describe('E2B: sandbox.change-size is enforced on the host', () => {
  it('a step that rewrites the login profile (fooling the check inside) still fails with ChangeTooLarge, and the host reads little of the diff', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const sandbox = await provider.create(
      sandboxRequest(await sampleCheckout(), { limits: { timeoutMs: 60_000, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 2 ** 20, changeBytes: MAX_CHANGE } }),
    );
    // Count what the SDK hands the host per read of a file, however fleetmod asks for it.
    const sdk = sdkOf(sandbox);
    const read = sdk.files.read.bind(sdk.files) as (path: string, opts?: { format?: string }) => Promise<unknown>;
    const reads: { format: string | undefined; bytes: number }[] = [];
    (sdk.files as { read: unknown }).read = async (path: string, opts?: { format?: string }) => {
      const entry = { format: opts?.format, bytes: 0 };
      reads.push(entry);
      const data = await read(path, opts);
      if (!(data instanceof ReadableStream)) return data;
      return data.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, out) => void ((entry.bytes += chunk.byteLength), out.enqueue(chunk)) }));
    };

    // fleetmod's own commands run as `bash -l -c`: the login shell reads the step-writable ~/.bash_profile.
    const step = await sandbox.exec(`echo 'stat() { echo 1; }' >> ~/.bash_profile && head -c 6000000 /dev/urandom | base64 > big.txt`);
    const err = await sandbox.exportDiff().catch((e: unknown) => e);
    // The poisoned check let the whole diff stay in the sandbox; the step's own shell (no profile) measures it.
    const left = await sandbox.exec('stat -c %s ~/.fleetmod/change.diff');
    await provider.shutdown();

    expect(step.exitCode).toBe(0);
    expect(Number(left.stdout)).toBeGreaterThan(8_000_000);
    expect(err).toBeInstanceOf(ChangeTooLarge);
    expect((err as Error).message).toBe('the change is larger than 64KiB (sandbox.change-size)');
    expect(reads.map((r) => r.format)).toEqual(['stream']);
    // No more than the limit and the chunk that crossed it (the fake sends 64 KiB chunks at most).
    expect(reads[0]!.bytes).toBeLessThanOrEqual(MAX_CHANGE + 2 ** 20);
    expect(fake.stats().alive).toBe(0);
  });

  it('a change within the limit comes back whole', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const sandbox = await provider.create(
      sandboxRequest(await sampleCheckout(), { limits: { timeoutMs: 60_000, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 2 ** 20, changeBytes: MAX_CHANGE } }),
    );

    await sandbox.exec('head -c 30000 /dev/zero | tr "\\0" x > within.txt');
    const diff = await sandbox.exportDiff();
    await provider.shutdown();

    expect(diff).toContain('+++ b/within.txt');
    expect(diff).toContain('x'.repeat(30_000));
  });
});
