/**
 * Which candidate ships. Only candidates whose steps and verify passed (and, for `score`, that produced a score)
 * are eligible; among them a real change beats an empty one (an agent that did nothing passes verify trivially).
 * Ties go to the candidate listed first. Pure.
 */
import type { CandidateStatus } from '../store/types.js';

export interface CandidateSummary {
  position: number;
  name: string;
  status: CandidateStatus;
  score: number | null;
  changedLines: number;
  empty: boolean;
}

export type SelectRule = 'first-passing' | 'smallest-diff' | 'score';

export interface Selection {
  chosen: number | null;
  reason: string;
}

export function selectCandidate(candidates: readonly CandidateSummary[], rule: SelectRule): Selection {
  let eligible = candidates.filter((c) => c.status === 'passed' && (rule !== 'score' || c.score !== null));
  if (eligible.length === 0) return { chosen: null, reason: 'no candidate passed' };
  const withChange = eligible.filter((c) => !c.empty);
  // Passing candidates left out for an empty diff: the reason must say the pick is among the others, or "the first
  // that passed" (or the smallest diff, the highest score) would be untrue of the candidates passed over.
  const passedOverEmpty = withChange.length > 0 ? eligible.length - withChange.length : 0;
  if (withChange.length > 0) eligible = withChange;
  const byPosition = [...eligible].sort((a, b) => a.position - b.position);
  let pick = byPosition[0] as CandidateSummary;
  if (rule === 'smallest-diff') {
    for (const c of byPosition) if (c.changedLines < pick.changedLines) pick = c;
  } else if (rule === 'score') {
    for (const c of byPosition) if ((c.score as number) > (pick.score as number)) pick = c;
  }
  const passed = candidates.filter((c) => c.status === 'passed').length;
  const withAChange = passedOverEmpty > 0 ? ' with a change' : '';
  const why =
    rule === 'first-passing'
      ? `the first candidate that passed${withAChange}`
      : rule === 'smallest-diff'
        ? `the smallest diff${passedOverEmpty > 0 ? ' that is not empty' : ''} (${pick.changedLines} changed lines)`
        : `the highest score${withAChange} (${pick.score})`;
  const empties = passedOverEmpty > 0 ? `, ${passedOverEmpty} of them without a change` : '';
  return { chosen: pick.position, reason: `${pick.name}: ${why}; ${passed} of ${candidates.length} passed${empties}` };
}
