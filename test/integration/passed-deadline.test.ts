/**
 * A fixed limits.deadline (a date-time) that has passed pauses the run before any repository starts, and resuming
 * cannot help: a run keeps its manifest's limits. The summary, `status`, the report, `resume` and `retry` say what
 * does: an edited deadline, which makes a new run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
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
    const statusJson = captureIo(fx.root, env);
    expect(await cli(statusJson, 'status', '--json'), statusJson.err()).toBe(0);
    const report = captureIo(fx.root, env);
    expect(await cli(report, 'report'), report.err()).toBe(0);

    expect(first.out()).toContain(`The run is paused (the deadline 2020-01-01T07:00Z has passed); 2 repos left. To go on: ${advice}\n`);
    expect(first.out()).not.toContain('Continue with: fleetmod resume');
    // Where no manifest is at hand, the same advice without its name; nowhere a resume that would pause at once.
    const general = advice.replace('in jobs/job.yaml, then fleetmod run jobs/job.yaml', 'in the manifest, then fleetmod run it');
    expect(status.out()).toContain(`paused: the deadline 2020-01-01T07:00Z has passed; to go on: ${general}\n`);
    expect(report.out()).toContain(`2 repos not finished; to go on: ${general}`);
    for (const io of [first, status, report]) expect(io.out()).not.toMatch(/fleetmod resume/);
    const jsonRun = (JSON.parse(statusJson.out().split('\n')[0]!) as { run: Record<string, unknown> }).run;
    expect(jsonRun).toMatchObject({ state: 'paused', reason: 'the deadline 2020-01-01T07:00Z has passed', resumeCommand: null, advice: general });
    expect(resumeCode).toBe(2);
    expect(resume.err()).toMatch(new RegExp(`^fleetmod: run [\\w-]+ cannot go on: ${advice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));

    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('2020-01-01T07:00Z', '2099-01-01T07:00Z'));
    const edited = captureIo(fx.root, env);
    expect(await cli(edited, 'run', fx.job), edited.err()).toBe(0);
    expect(edited.out()).not.toContain('The run is paused');
  });

  it('refuses a retry of a run whose deadline has passed since, before putting anything back to pending', { timeout: 120_000 }, async () => {
    const fx = await jobFixture({ count: 2, limits: ['deadline: "2099-01-01T07:00Z"'] });
    const failing = fx.repos[0]?.name as string;
    await fx.control(`[ "$FLEETMOD_REPO_NAME" != ${failing} ] || exit 1`);
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const first = captureIo(fx.root, env);
    expect(await cli(first, 'run', fx.job), first.err()).toBe(1);
    // The deadline has come since: as the journal has it, the run's job now names one in the past.
    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'));
    onTestFinished(() => void db.close());
    db.prepare("UPDATE runs SET job_json = replace(job_json, '2099-01-01T07:00Z', '2020-01-01T07:00Z')").run();
    const runId = (db.prepare('SELECT id FROM runs').get() as { id: string }).id;

    const retry = captureIo(fx.root, env);
    const code = await cli(retry, 'retry', runId, '--failed');

    expect(code).toBe(2);
    expect(retry.err()).toContain(`run ${runId} cannot go on: its limits.deadline 2020-01-01T07:00Z has passed`);
    expect(db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE outcome = 'failed'").get()).toEqual({ n: 1 });
  });
});
