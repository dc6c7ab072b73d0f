/**
 * A fixed limits.deadline (a date-time) that has passed pauses the run before any repository starts, and resuming
 * cannot help: a run keeps its manifest's limits. The summary and `resume` say what does: an edited deadline, which
 * makes a new run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

describe('a fixed deadline that has passed', () => {
  it('pauses the run, and the summary and resume point at editing the deadline instead of resuming', { timeout: 120_000 }, async () => {
    const fx = await jobFixture({ count: 2, limits: ['deadline: "2020-01-01T07:00Z"'] });
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const advice =
      "its limits.deadline 2020-01-01T07:00Z has passed, and a run keeps its manifest's limits when it goes on: change limits.deadline in jobs/job.yaml, then fleetmod run jobs/job.yaml (a new run, which reuses what this one finished)";

    const first = captureIo(fx.root, env);
    expect(await cli(first, 'run', fx.job), first.err()).toBe(0);
    const resume = captureIo(fx.root, env);
    const resumeCode = await cli(resume, 'resume');
    const status = captureIo(fx.root, env);
    expect(await cli(status, 'status'), status.err()).toBe(0);
    const report = captureIo(fx.root, env);
    expect(await cli(report, 'report'), report.err()).toBe(0);

    expect(first.out()).toContain(`The run is paused (the deadline 2020-01-01T07:00Z has passed); 2 repos left. To go on: ${advice}\n`);
    expect(first.out()).not.toContain('Continue with: fleetmod resume');
    // Where no manifest is at hand, the same advice without its name; nowhere a resume that would pause at once.
    const general = advice.replace('in jobs/job.yaml, then fleetmod run jobs/job.yaml', 'in the manifest, then fleetmod run it');
    expect(status.out()).toContain(`paused: the deadline 2020-01-01T07:00Z has passed; to go on: ${general}\n`);
    expect(report.out()).toContain(`2 repos not finished; to go on: ${general}`);
    for (const io of [first, status, report]) expect(io.out()).not.toMatch(/fleetmod resume/);
    expect(resumeCode).toBe(2);
    expect(resume.err()).toMatch(new RegExp(`^fleetmod: run [\\w-]+ cannot go on: ${advice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));

    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('2020-01-01T07:00Z', '2099-01-01T07:00Z'));
    const edited = captureIo(fx.root, env);
    expect(await cli(edited, 'run', fx.job), edited.err()).toBe(0);
    expect(edited.out()).not.toContain('The run is paused');
  });
});
