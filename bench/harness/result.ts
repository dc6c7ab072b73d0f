/** What one benchmark reports: each contender's samples, the per-pair ratios, and its targets, met or not. */
import { median, percentile, round } from './stats.js';

export interface ContenderResult {
  name: string;
  unit: 'ms' | 's' | 'µs' | 'MB';
  samples: number[];
  median: number;
  p95?: number;
}

export interface TargetResult {
  /** What is compared, e.g. "fleetmod / baseline (median of pairs)". */
  what: string;
  comparison: '<' | '<=';
  limit: number;
  measured: number;
  unit: string;
  met: boolean;
}

export interface BenchResult {
  id: string;
  title: string;
  /** How it was set up: repos, parallelism, latencies… */
  setup: Record<string, string | number | boolean>;
  contenders: ContenderResult[];
  /** Ratio of the first contender to the second in each pair, and their median. */
  ratio?: { of: string; to: string; perPair: number[]; median: number };
  targets: TargetResult[];
  notes: string[];
  /** The machine's 1-minute load average when the benchmark started and ended (other work skews results). */
  load?: { before: number; after: number };
}

export function contender(name: string, unit: ContenderResult['unit'], samples: readonly number[], withP95 = false): ContenderResult {
  return {
    name,
    unit,
    samples: samples.map(round),
    median: round(median(samples)),
    ...(withP95 && { p95: round(percentile(samples, 95)) }),
  };
}

export function pairRatio(of: string, to: string, a: readonly number[], b: readonly number[]): NonNullable<BenchResult['ratio']> {
  const perPair = a.map((value, i) => value / (b[i] as number));
  return { of, to, perPair: perPair.map(round), median: round(median(perPair)) };
}

export function target(what: string, comparison: TargetResult['comparison'], limit: number, measured: number, unit: string): TargetResult {
  const met = comparison === '<' ? measured < limit : measured <= limit;
  return { what, comparison, limit, measured: round(measured), unit, met };
}
