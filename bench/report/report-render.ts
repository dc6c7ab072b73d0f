/**
 * Benchmark 6: the report of a big run, as a user gets it — `fleetmod report RUN --format text|html --out FILE`
 * in a process of its own (start-up, journal read, summary, rendering, write) — next to a process that dumps one
 * line per repository from the same journal. A 5,000-repository run, and the 300-repository case of issue 8.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../harness/context.js';
import { cliPath } from '../harness/context.js';
import { runChecked } from '../harness/processes.js';
import { contender, pairRatio, target, type BenchResult } from '../harness/result.js';
import { median } from '../harness/stats.js';
import { writeReportFixture } from './fixture.js';

export async function benchReportRendering(ctx: BenchContext): Promise<BenchResult[]> {
  const root = path.join(ctx.workDir, 'report');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  try {
    const results: BenchResult[] = [];
    for (const [repos, limit] of [[ctx.quick ? 1_000 : 5_000, 2], [300, 1]] as const) {
      results.push(await measure(ctx, root, repos, limit));
    }
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function measure(ctx: BenchContext, root: string, repos: number, limitSeconds: number): Promise<BenchResult> {
  const db = path.join(root, `journal-${repos}.db`);
  const { runId } = writeReportFixture(db, path.join(ctx.root, 'migrations'), repos);
  const env = { PATH: process.env.PATH, HOME: root, LANG: 'C.UTF-8' };
  const report = async (format: 'text' | 'html') => {
    const out = path.join(root, `report-${repos}.${format}`);
    const done = await runChecked(process.execPath, [cliPath(ctx), 'report', runId, '--db', db, '--format', format, '--out', out], { cwd: root, env });
    return done.ms / 1000;
  };
  const dump = async () => {
    const done = await runChecked(process.execPath, [path.join(ctx.root, 'dist-bench', 'bench', 'report', 'dump.js'), db, runId, path.join(root, 'dump.txt')], { cwd: root, env });
    return done.ms / 1000;
  };
  const text: number[] = [];
  const html: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < ctx.pairs; round += 1) {
    text.push(await report('text'));
    base.push(await dump());
    html.push(await report('html'));
    ctx.log(`  ${repos} repos, round ${round + 1}: text ${text[round]?.toFixed(2)} s, html ${html[round]?.toFixed(2)} s, one line per repo ${base[round]?.toFixed(2)} s`);
  }
  const ratio = pairRatio('html report', 'one line per repo', html, base);
  return {
    id: `report-${repos}`,
    title: `Report of a ${repos.toLocaleString('en')}-repository run (a process per report, as \`fleetmod report\` runs)`,
    setup: { repos, previousRunCompared: true, formats: 'text, html' },
    contenders: [contender('fleetmod report --format text', 's', text), contender('fleetmod report --format html', 's', html), contender('one line per repo (baseline)', 's', base)],
    ratio,
    targets: [target('text report (median)', '<', limitSeconds, median(text), ' s'), target('html report (median)', '<', limitSeconds, median(html), ' s')],
    notes: [`text / baseline per round: ${text.map((t, i) => (t / (base[i] as number)).toFixed(2)).join(', ')}`],
  };
}
