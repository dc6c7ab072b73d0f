/**
 * Benchmark 3: orchestration overhead. 10,000 repositories through the real scheduler and SQLite journal with
 * every port stubbed (bench/orchestration/stubs.ts), each sample in its own process, against a bare p-queue loop
 * over the same stubs. Reports microseconds per repository and peak RSS.
 */
import path from 'node:path';
import { alternate } from '../harness/alternate.js';
import type { BenchContext } from '../harness/context.js';
import { runChecked } from '../harness/processes.js';
import { contender, pairRatio, target, type BenchResult } from '../harness/result.js';
import { median } from '../harness/stats.js';

interface Sample {
  usPerRepo: number;
  maxRssMB: number;
}

export async function benchOrchestration(ctx: BenchContext): Promise<BenchResult[]> {
  const repos = ctx.quick ? 2_000 : 10_000;
  const concurrency = 8;
  const child = path.join(ctx.root, 'dist-bench', 'bench', 'orchestration', 'child.js');
  const sample = async (mode: 'fleetmod' | 'bare'): Promise<Sample> => {
    const done = await runChecked(process.execPath, [child, mode, String(repos), String(concurrency), ctx.root], { cwd: ctx.root, env: process.env });
    const parsed = JSON.parse(done.stdout.trim().split('\n').pop() as string) as { ms: number; maxRssMB: number };
    return { usPerRepo: (parsed.ms * 1000) / repos, maxRssMB: parsed.maxRssMB };
  };
  const { a, b } = await alternate({
    pairs: ctx.pairs,
    a: () => sample('fleetmod'),
    b: () => sample('bare'),
    onSample: (which, round, s) => ctx.log(`  pair ${round + 1}: ${which === 'a' ? 'fleetmod' : 'bare loop'} ${s.usPerRepo.toFixed(0)} µs/repo, peak RSS ${s.maxRssMB.toFixed(0)} MB`),
  });
  const us = a.map((s) => s.usPerRepo);
  const rss = a.map((s) => s.maxRssMB);
  const ratio = pairRatio('fleetmod', 'bare loop', us, b.map((s) => s.usPerRepo));
  return [
    {
      id: 'orchestration',
      title: 'Orchestration overhead (no-op sandbox, stubbed git and code host, real SQLite journal)',
      setup: { repos, concurrency, journal: 'SQLite (WAL), one file per run', taskLogs: 'in the journal (a file only for a repo that does not succeed)' },
      contenders: [
        contender('fleetmod µs per repo', 'µs', us),
        contender('bare p-queue loop µs per repo', 'µs', b.map((s) => s.usPerRepo)),
        contender('fleetmod peak RSS', 'MB', rss),
        contender('bare loop peak RSS', 'MB', b.map((s) => s.maxRssMB)),
      ],
      ratio,
      targets: [
        target('fleetmod µs per repo (median)', '<', 500, median(us), ' µs'),
        target('fleetmod peak RSS (median)', '<', 150, median(rss), ' MB'),
      ],
      notes: ['µs per repo is the whole run (wall) divided by the repositories: scheduler, journal writes, task logs and the stubs together'],
    },
  ];
}
