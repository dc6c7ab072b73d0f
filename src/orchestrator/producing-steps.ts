/**
 * The step outputs behind a task's journaled result, for the templates of a commit (and PR) made from the journal
 * instead of a fresh sandbox run. Best of N's candidates share step names, and a task's earlier attempts have rows
 * too, so "the last row per step name" would be whichever candidate finished last: the output must come from the
 * chosen candidate of the attempt that produced the result, as it did when the result was first committed.
 */
import type { CandidateRecord, StepResultRecord } from '../store/types.js';
import type { StepOutput } from './variables.js';

export function producingStepOutputs(results: readonly StepResultRecord[], candidates: readonly CandidateRecord[]): StepOutput[] {
  const source = producer(results, candidates);
  if (!source) return [];
  const outputs = new Map<string, StepOutput>();
  for (const r of results) {
    if (r.kind !== 'step' || r.attempt !== source.attempt) continue;
    if (source.candidate !== undefined && r.candidate !== source.candidate) continue;
    outputs.set(r.name, { name: r.name, outcome: r.outcome, stdout: r.stdout });
  }
  return [...outputs.values()];
}

/**
 * With candidates, the latest attempt that chose one (a later attempt reuses the journaled diff or, on a moved
 * base, makes a new one that it chooses again); with one candidate, the latest attempt that ran steps.
 */
function producer(results: readonly StepResultRecord[], candidates: readonly CandidateRecord[]): { attempt: number; candidate?: string } | undefined {
  let chosen: CandidateRecord | undefined;
  for (const c of candidates) if (c.chosen && (!chosen || c.attempt > chosen.attempt)) chosen = c;
  if (chosen) return { attempt: chosen.attempt, candidate: chosen.name };
  if (results.length === 0) return undefined;
  return { attempt: Math.max(...results.map((r) => r.attempt)) };
}
