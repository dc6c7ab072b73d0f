/**
 * What E2B sandboxes cost: billed per second while running, for the template's allocated vCPUs and memory
 * (e2b-protocol.md §10). Pure functions: the price of the seconds a repo used (journaled per task), and the plan
 * estimate for a job — expected sandbox-hours and cost, the most it can cost, and the shortest possible wall time.
 */
import type { LimitsSpec, SandboxSpec } from '../../manifest/job.js';
import { formatDuration } from '../../util/units.js';
import { sandboxesAtOnce } from '../shared/sandboxes-at-once.js';
import { sandboxLifetimeMs } from './layout.js';

export type E2bPricing = Pick<SandboxSpec['e2b'], 'vcpu' | 'memoryMb' | 'priceVcpuSecond' | 'priceGibSecond'>;

/** Used when the manifest does not say how long a sandbox takes (sandbox.e2b.expected-duration). */
export const ASSUMED_DURATION_MS = 5 * 60_000;

export function pricePerSandboxSecond(pricing: E2bPricing): number {
  return pricing.vcpu * pricing.priceVcpuSecond + (pricing.memoryMb / 1024) * pricing.priceGibSecond;
}

export function sandboxCostUsd(seconds: number, pricing: E2bPricing): number {
  return seconds * pricePerSandboxSecond(pricing);
}

export interface CostEstimateInput {
  repos: number;
  /** Sandboxes per repo (candidates). @default 1 */
  candidates?: number;
  sandbox: Pick<SandboxSpec, 'timeoutMs' | 'e2b'>;
  limits: Pick<LimitsSpec, 'sandboxes' | 'sandboxRate' | 'retries' | 'concurrency'>;
}

export interface CostEstimate {
  sandboxes: number;
  /** Sandboxes per repo (candidates). */
  perRepo: number;
  /** Sandboxes alive at most at once: limits.sandboxes, but at most concurrency × candidates. */
  atOnce: number;
  perSandboxHourUsd: number;
  /** Time of one sandbox the expectation is based on, and whether it was assumed rather than configured. */
  expectedPerSandboxMs: number;
  assumedDuration: boolean;
  sandboxHours: { expected: number; max: number };
  costUsd: { expected: number; max: number };
  /** No run can be shorter: creation rate and sandboxes at once bound it. */
  minWallClockMs: number;
}

export function estimateE2bCost(input: CostEstimateInput): CostEstimate {
  const perRepo = Math.max(1, input.candidates ?? 1);
  const sandboxes = input.repos * perRepo;
  const configured = input.sandbox.e2b.expectedDurationMs;
  const expectedPerSandboxMs = Math.min(configured ?? ASSUMED_DURATION_MS, input.sandbox.timeoutMs);
  // At most: every sandbox lives its whole lifetime (budget, unpack, diff, margin) on every attempt.
  const maxPerSandboxMs = sandboxLifetimeMs(input.sandbox.timeoutMs) * (input.limits.retries + 1);
  const hours = (ms: number) => (sandboxes * ms) / 3_600_000;
  const perHour = pricePerSandboxSecond(input.sandbox.e2b) * 3600;
  const atOnce = sandboxesAtOnce(input.limits, perRepo);
  const rate = input.limits.sandboxRate;
  const creationMs = rate ? Math.max(0, sandboxes - rate.count) * (rate.perMs / rate.count) : 0;
  return {
    sandboxes,
    perRepo,
    atOnce,
    perSandboxHourUsd: perHour,
    expectedPerSandboxMs,
    assumedDuration: configured === undefined,
    sandboxHours: { expected: hours(expectedPerSandboxMs), max: hours(maxPerSandboxMs) },
    costUsd: { expected: hours(expectedPerSandboxMs) * perHour, max: hours(maxPerSandboxMs) * perHour },
    minWallClockMs: Math.max(creationMs, Math.ceil(sandboxes / atOnce) * expectedPerSandboxMs),
  };
}

/** Lines for `fleetmod plan`. */
export function renderCostEstimate(e: CostEstimate, pricing: E2bPricing): string[] {
  const per = formatDuration(e.expectedPerSandboxMs);
  const count = e.perRepo > 1 ? `${e.sandboxes} sandboxes (${e.perRepo} per repo)` : `${e.sandboxes} sandboxes`;
  return [
    `E2B: ${count}, ${pricing.vcpu} vCPU / ${pricing.memoryMb} MiB each at ${usd(e.perSandboxHourUsd)} per sandbox-hour`,
    `  expected  ${hoursText(e.sandboxHours.expected)} ≈ ${usd(e.costUsd.expected)}  (${per} per sandbox${e.assumedDuration ? ', assumed: set sandbox.e2b.expected-duration' : ''})`,
    `  at most   ${hoursText(e.sandboxHours.max)} ≈ ${usd(e.costUsd.max)}  (every sandbox using its whole lifetime on every attempt)`,
    `  wall clock at least ${formatDuration(e.minWallClockMs)}  (${e.atOnce} sandboxes at once)`,
  ];
}

function hoursText(h: number): string {
  return `${h < 10 ? h.toFixed(2) : Math.round(h)} sandbox-hours`;
}

function usd(value: number): string {
  return value < 1 ? `$${value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '.00')}` : `$${value.toFixed(2)}`;
}
