import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { normalizeJob } from '../../../src/manifest/normalize.js';
import { JobManifest } from '../../../src/manifest/schema.js';

const ctx = { file: '/j.yaml', displayPath: 'j.yaml', dir: '/', hash: 'h' };
const base = { name: 'j', repos: ['./r'], steps: [{ run: 'true' }], change: { branch: 'b', commit: { message: 'm' } } };

describe('limits for E2B jobs', () => {
  it('default to the Hobby plan: 20 sandboxes, 1 created per second, as many repos at once as sandboxes', () => {
    const job = normalizeJob(JobManifest.parse({ ...base, sandbox: { provider: 'e2b' } }), ctx);

    expect(job.limits).toMatchObject({ sandboxes: 20, sandboxRate: { count: 1, perMs: 1000 }, concurrency: 20 });
  });

  it('take the manifest\'s values (a Pro plan) over the defaults', () => {
    const job = normalizeJob(JobManifest.parse({ ...base, sandbox: { provider: 'e2b' }, limits: { sandboxes: 100, 'sandbox-rate': '5/s' } }), ctx);
    const capped = normalizeJob(JobManifest.parse({ ...base, sandbox: { provider: 'e2b' }, limits: { concurrency: 8 } }), ctx);

    expect(job.limits).toMatchObject({ sandboxes: 100, sandboxRate: { count: 5, perMs: 1000 }, concurrency: 100 });
    expect(capped.limits).toMatchObject({ sandboxes: 20, concurrency: 8 });
  });

  it('leave local jobs as they were', () => {
    const job = normalizeJob(JobManifest.parse(base), ctx);

    expect(job.limits.sandboxes).toBeUndefined();
    expect(job.limits.sandboxRate).toBeUndefined();
    expect(job.limits.concurrency).toBe(Math.max(2, availableParallelism()));
  });

  it('default the git limit to two per creation per second when that is more than 4 (at most 16), so checkouts keep up with creations', () => {
    const at = (limits: Record<string, unknown>, provider: 'e2b' | 'local' = 'e2b') =>
      normalizeJob(JobManifest.parse({ ...base, sandbox: { provider }, limits }), ctx).limits.clone;

    expect(at({})).toBe(4);
    expect(at({ 'sandbox-rate': '5/s' })).toBe(10);
    expect(at({ 'sandbox-rate': '30/min' })).toBe(4);
    expect(at({ 'sandbox-rate': '300/min' })).toBe(10);
    // However high the rate, a forge does not get more than 16 at once unless the manifest says so.
    expect(at({ 'sandbox-rate': '200/s' })).toBe(16);
    expect(at({ 'sandbox-rate': '200/s', clone: 40 })).toBe(40);
    expect(at({ 'sandbox-rate': '5/s', clone: 3 })).toBe(3);
    expect(at({}, 'local')).toBe(4);
    expect(at({ 'sandbox-rate': '8/s' }, 'local')).toBe(16);
  });
});
