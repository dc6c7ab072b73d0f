/** Human-readable lines for a benchmark result: contenders, the ratio, and each target met or not. */
import type { BenchResult, ContenderResult } from './result.js';

export function formatResult(result: BenchResult, quick: boolean): string {
  const lines = [`${result.title}`];
  const setup = Object.entries(result.setup).map(([k, v]) => `${k} ${v}`).join(', ');
  if (setup) lines.push(`  setup: ${setup}`);
  const width = Math.max(...result.contenders.map((c) => c.name.length));
  for (const c of result.contenders) lines.push(`  ${c.name.padEnd(width)}  ${describe(c)}`);
  if (result.ratio) {
    const pairs = result.ratio.perPair;
    const shown = pairs.length <= 12 ? pairs.map((r) => r.toFixed(2)).join(', ') : `${pairs.length} pairs, ${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}`;
    lines.push(`  ratio ${result.ratio.of} / ${result.ratio.to}: ${shown} → median ${result.ratio.median.toFixed(2)}x`);
  }
  for (const t of result.targets) {
    const verdict = quick ? 'not judged (quick run)' : t.met ? 'MET' : 'NOT MET';
    lines.push(`  target ${t.what} ${t.comparison} ${t.limit}${t.unit}: measured ${t.measured}${t.unit} — ${verdict}`);
  }
  for (const note of result.notes) lines.push(`  note: ${note}`);
  if (result.load) lines.push(`  machine load (1-min average) before ${result.load.before}, after ${result.load.after}`);
  return `${lines.join('\n')}\n`;
}

function describe(c: ContenderResult): string {
  const p95 = c.p95 !== undefined ? `, p95 ${c.p95} ${c.unit}` : '';
  const samples = c.samples.length <= 8 ? ` (samples ${c.samples.join(', ')})` : ` (${c.samples.length} samples)`;
  return `median ${c.median} ${c.unit}${p95}${samples}`;
}
