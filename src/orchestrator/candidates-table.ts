/** The short Markdown table of candidates offered to PR bodies as {{ candidates.table }}. */
import type { CandidateRecord } from '../store/types.js';

const STATUS: Record<CandidateRecord['status'], string> = {
  passed: 'passed',
  'step-failed': 'steps failed',
  'verify-failed': 'verify failed',
  'score-failed': 'no score',
  error: 'error',
  cancelled: 'not needed',
};

export function candidatesTable(candidates: readonly CandidateRecord[]): string {
  if (candidates.length <= 1) return '';
  const rows = candidates.map((c) => {
    const diff = c.status === 'step-failed' || c.status === 'cancelled' ? '–' : `+${c.insertions} −${c.deletions} in ${c.filesChanged} files`;
    return `| ${c.chosen ? `**${c.name}** ✔` : c.name} | ${STATUS[c.status]} | ${c.score ?? '–'} | ${diff} |`;
  });
  return ['| candidate | result | score | diff |', '|---|---|---|---|', ...rows].join('\n');
}
