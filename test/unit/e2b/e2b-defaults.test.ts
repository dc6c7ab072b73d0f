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
});
