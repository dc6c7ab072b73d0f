/**
 * Benchmark 5: the E2B path against the fake E2B (test/support/fake-e2b) with a 200 ms start latency, a limit
 * of 5 creations per second and 100 concurrent sandboxes: the built fleetmod CLI runs a one-step job over 500
 * local repositories (clone, upload, step, diff, commit, push), next to a bare SDK loop paced the same way. The
 * target compares fleetmod's wall time with the creation-rate bound (500 / 5 per second = 100 s).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { headSha } from '../../test/support/forge/git-backend.js';
import { startFakeE2bServer, type FakeE2b } from '../../test/support/fake-e2b/server.js';
import { alternate } from '../harness/alternate.js';
import { cliPath, type BenchContext } from '../harness/context.js';
import { runChecked, runProcess } from '../harness/processes.js';
import { contender, pairRatio, target, type BenchResult } from '../harness/result.js';
import { median } from '../harness/stats.js';
import { RATE_MARGIN } from '../../src/orchestrator/limiters.js';
import { BENCH_BRANCH, benchJob } from '../e2e/job.js';
import { settleFileSystem } from '../harness/settle.js';
import { copyFleet, ensureFleet } from '../support/fleet.js';

const RATE = 5;
const START_LATENCY_MS = 200;

export async function benchE2bPath(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.quick ? 100 : 500;
  const concurrency = 100;
  const bound = count / RATE;
  const fleet = await ensureFleet(ctx.workDir, { count, extraFiles: 16, commits: 5, unchangedEvery: 5 }, 4, ctx.log);
  const root = path.join(ctx.workDir, 'e2b');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const reposRoot = path.join(root, 'repos');
  await writeFile(path.join(root, 'repos.txt'), `${fleet.repos.map((r) => `./repos/fleet/${r.name}.git`).join('\n')}\n`);
  await writeFile(
    path.join(root, 'job.yaml'),
    benchJob({ name: 'bench-e2b', reposFile: 'repos.txt', concurrency, provider: 'e2b', extraLimits: [`sandboxes: ${concurrency}`, `sandbox-rate: ${RATE}/s`] }),
  );
  const baseEnv = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LANG: 'C.UTF-8' };
  const withFake = async <T>(work: (fake: FakeE2b) => Promise<T>): Promise<T> => {
    const fake = await startFakeE2bServer({ startLatencyMs: START_LATENCY_MS, creationRate: { count: RATE, perMs: 1000 }, maxConcurrent: concurrency });
    try {
      return await work(fake);
    } finally {
      await fake.close();
    }
  };

  try {
    const fleetmod = () =>
      withFake(async (fake) => {
        await copyFleet(fleet, reposRoot, 'fleet');
        const state = path.join(root, 'state');
        await rm(state, { recursive: true, force: true });
        await settleFileSystem();
        const done = await runProcess(
          process.execPath,
          [cliPath(ctx), 'run', '--new', 'job.yaml', '--state-dir', state, '--cache-dir', path.join(state, 'cache')],
          { cwd: root, env: { ...baseEnv, ...fake.env() } },
        );
        // Exit 1 means some repositories failed: that is a result (reported), anything else is a broken run.
        if (done.code !== 0 && done.code !== 1) throw new Error(`fleetmod exited with ${done.code}:\n${done.stdout.slice(-2000)}\n${done.stderr.slice(-2000)}`);
        const refused = fake.creates().filter((c) => c.rejected !== undefined).length;
        const { rate, concurrency: overCap } = fake.stats().rejected;
        const wrong: string[] = [];
        for (const repo of fleet.repos) {
          const sha = await headSha(path.join(reposRoot, 'fleet', `${repo.name}.git`), BENCH_BRANCH);
          if ((sha !== null) !== repo.usesOldApi) wrong.push(repo.name);
        }
        const reasons = [...new Set(done.stdout.split('\n').filter((l) => /^\[\d+\/\d+\] failed/.test(l)).map((l) => l.replace(/^.*? — /, '').replace(/\(\d+(\.\d+)?m?s\)$/, '').trim()))];
        return { s: done.ms / 1000, refused, refusedBy: `${rate} over the rate, ${overCap} over the concurrency cap`, failed: wrong.length, reasons: reasons.slice(0, 3) };
      });
    const sdkLoop = () =>
      withFake(async (fake) => {
        const child = path.join(ctx.root, 'dist-bench', 'bench', 'e2b', 'sdk-loop.js');
        const done = await runChecked(process.execPath, [child, String(count), String(concurrency), String(RATE)], { cwd: root, env: { ...baseEnv, ...fake.env() } });
        const parsed = JSON.parse(done.stdout.trim().split('\n').pop() as string) as { ms: number; done: number };
        if (parsed.done !== count) throw new Error(`the SDK loop finished ${parsed.done} of ${count}`);
        return done.ms / 1000;
      });
    const { a, b } = await alternate({
      pairs: ctx.pairs,
      a: fleetmod,
      b: sdkLoop,
      onSample: (which, round, value) =>
        ctx.log(
          which === 'a'
            ? `  pair ${round + 1}: fleetmod ${(value as { s: number }).s.toFixed(1)} s (creates refused by the fake: ${(value as { refused: number }).refused} — ${(value as { refusedBy: string }).refusedBy}; repos failed: ${(value as { failed: number }).failed})`
            : `  pair ${round + 1}: SDK loop ${(value as number).toFixed(1)} s`,
        ),
    });
    const seconds = a.map((s) => s.s);
    return [
      {
        id: 'e2b-path',
        title: 'E2B path against the fake E2B (creation-rate bound)',
        setup: { repos: count, concurrentSandboxes: concurrency, creationLimit: `${RATE}/s`, startLatencyMs: START_LATENCY_MS, boundSeconds: bound },
        contenders: [contender('fleetmod', 's', seconds), contender('bare SDK loop, same pacing', 's', b)],
        ratio: pairRatio('fleetmod', 'bare SDK loop', seconds, b),
        targets: [
          target(`fleetmod / creation-rate bound (${bound} s)`, '<=', 1.15, median(seconds) / bound, 'x'),
          target('repositories that failed (most in any fleetmod sample)', '<=', 0, Math.max(...a.map((s) => s.failed)), ''),
        ],
        notes: [
          `fleetmod paces creations ${Math.round((RATE_MARGIN - 1) * 100)}% below the limit (RATE_MARGIN), so its floor is about ${(bound * RATE_MARGIN).toFixed(0)} s`,
          `creates the fake refused (429) per fleetmod run: ${a.map((s) => `${s.refused} (${s.refusedBy})`).join('; ')}`,
          ...[...new Set(a.flatMap((s) => s.reasons))].slice(0, 3).map((reason) => `a failure: ${reason}`),
        ],
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
