import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv, type CapturedIo } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

/** Ctrl-C twice (a hard stop) once both repositories are in their steps; `--json` output is what it watches. */
function hardStopInSteps(io: CapturedIo, running: number): CapturedIo {
  let started = 0;
  const write = io.stdout;
  io.stdout = (text) => {
    write(text);
    started += (text.match(/"stage":"steps"/g) ?? []).length;
    if (started === running) {
      started += 1;
      io.signal('SIGINT');
      io.signal('SIGINT');
    }
  };
  return io;
}

describe('report of an interrupted run', () => {
  it('counts the stages Ctrl-C ended as stopped, not failed, in every format', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 2 });
    await fx.control('sleep 30');
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    const run = hardStopInSteps(captureIo(fx.root, env), 2);
    expect(await cli(run, 'run', '--json', fx.job)).toBe(130);

    const report = async (format: string): Promise<string> => {
      const io = captureIo(fx.root, env);
      expect(await cli(io, 'report', '--format', format), io.err()).toBe(0);
      return io.out();
    };

    const json = JSON.parse(await report('json'));
    const steps = json.stages.find((s: { stage: string }) => s.stage === 'steps');
    expect(steps).toMatchObject({ count: 2, failed: 0, stopped: 2 });
    for (const repo of json.repos) expect(repo.stages.map((s: { state: string }) => s.state)).toContain('stopped');
    expect(await report('text')).toMatch(/\n {2}steps .*\(2 stopped\)\n/);
    expect(await report('markdown')).toMatch(/\| steps \| 2 \| .* \| 0 \| 2 \|\n/);
    expect(await report('html')).toMatch(/<td data-label="failed" class="num">0<\/td><td data-label="stopped" class="num">2<\/td>/);
  });
});
