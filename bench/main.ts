/**
 * `npm run bench`: runs the benchmark suite against the built CLI and the sources, prints every result with its
 * ratio and targets, and writes bench/results.json.
 *
 *   node dist-bench/bench/main.js [--only ID,ID] [--pairs N] [--quick] [--out FILE] [--root DIR]
 *
 * --root measures another built checkout of fleetmod (its dist/, dist-bench/ and migrations/) with this harness:
 * how a before/after comparison of two commits is made.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEndToEnd } from './e2e/end-to-end.js';
import { benchOrchestration } from './orchestration/orchestration.js';
import { benchSandboxOverhead } from './sandbox/sandbox-overhead.js';
import { benchE2bPath } from './e2b/e2b-path.js';
import { benchReportRendering } from './report/report-render.js';
import type { BenchContext } from './harness/context.js';
import { formatResult } from './harness/print.js';
import { runProcess } from './harness/processes.js';
import type { BenchResult } from './harness/result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Suite {
  id: string;
  /** Result ids it produces. */
  produces: string[];
  run: (ctx: BenchContext) => Promise<BenchResult[]>;
}

const SUITES: Suite[] = [
  { id: 'e2e', produces: ['e2e-cold', 'e2e-warm'], run: benchEndToEnd },
  { id: 'orchestration', produces: ['orchestration'], run: benchOrchestration },
  { id: 'sandbox', produces: ['sandbox-overhead'], run: benchSandboxOverhead },
  { id: 'e2b', produces: ['e2b-path'], run: benchE2bPath },
  { id: 'report', produces: ['report-5000', 'report-300'], run: benchReportRendering },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      pairs: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      root: { type: 'string' },
    },
  });
  const pairs = Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 3) throw new Error(`--pairs must be a whole number ≥ 3, got ${values.pairs}`);
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const selected = SUITES.filter((s) => !only || only.has(s.id) || s.produces.some((id) => only.has(id)));
  if (selected.length === 0) throw new Error(`--only matches no benchmark; known: ${SUITES.map((s) => s.id).join(', ')}`);
  const workDir = path.join(ROOT, 'bench', 'work');
  await mkdir(workDir, { recursive: true });
  const measured = values.root ? path.resolve(values.root) : ROOT;
  const ctx: BenchContext = { root: measured, workDir, pairs, quick: values.quick, log: (line) => process.stdout.write(`${line}\n`) };

  const machine = await describeMachine();
  ctx.log(`fleetmod benchmarks on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.git}, ${machine.bwrap}${values.quick ? ' — QUICK (smaller sizes; not comparable with the targets)' : ''}\n`);
  const results: BenchResult[] = [];
  const errors: { suite: string; error: string }[] = [];
  const out = path.resolve(values.out ?? path.join(ROOT, 'bench', 'results.json'));
  const commit = await gitCommit(measured);
  // Written after every suite, so a long session that breaks off keeps what it measured.
  const save = () => writeFile(out, `${JSON.stringify({ version: 1, date: new Date().toISOString(), commit, quick: values.quick, pairs, machine, results, errors }, null, 2)}\n`);
  for (const suite of selected) {
    ctx.log(`== ${suite.id}`);
    const started = performance.now();
    const loadBefore = os.loadavg()[0] ?? 0;
    try {
      const produced = await suite.run(ctx);
      const load = { before: Number(loadBefore.toFixed(2)), after: Number((os.loadavg()[0] ?? 0).toFixed(2)) };
      for (const result of produced) {
        result.load = load;
        results.push(result);
        ctx.log(formatResult(result, values.quick));
      }
    } catch (err) {
      // A benchmark that cannot finish is a result too: recorded, and the others still run.
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ suite: suite.id, error: message });
      ctx.log(`${suite.id} FAILED: ${message}`);
    }
    ctx.log(`(${suite.id} took ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    await save();
  }
  const missed = [...results.flatMap((r) => r.targets.filter((t) => !t.met).map((t) => `${r.id}: ${t.what}`)), ...errors.map((e) => `${e.suite}: did not finish`)];
  ctx.log(`Wrote ${out}`);
  if (errors.length > 0) process.exitCode = 1;
  if (!values.quick) ctx.log(missed.length === 0 ? 'Every target met.' : `Targets not met (${missed.length}):\n${missed.map((m) => `  - ${m}`).join('\n')}`);
}

async function describeMachine() {
  const tool = async (cmd: string, args: string[]) => {
    const done = await runProcess(cmd, args, { cwd: ROOT, env: process.env }).catch(() => undefined);
    return done?.code === 0 ? (done.stdout.trim().split('\n')[0] ?? '') : `${cmd}: not found`;
  };
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    git: await tool('git', ['--version']),
    bwrap: await tool('bwrap', ['--version']),
  };
}

/** The commit measured, marked when src/ or migrations/ differ from it. */
async function gitCommit(root: string): Promise<string> {
  const sha = await runProcess('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, env: process.env });
  if (sha.code !== 0) return 'unknown';
  const status = await runProcess('git', ['status', '--porcelain', '--', 'src', 'migrations'], { cwd: root, env: process.env });
  return status.stdout.trim() === '' ? sha.stdout.trim() : `${sha.stdout.trim()}+uncommitted`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
