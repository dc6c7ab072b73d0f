/** The short Markdown table of candidates offered to PR bodies as {{ candidates.table }}. */
import { CANDIDATE_STATUS_TEXT } from '../report/candidates.js';
import type { CandidateRecord } from '../store/types.js';

export function candidatesTable(candidates: readonly CandidateRecord[]): string {
  if (candidates.length <= 1) return '';
  const rows = candidates.map((c) => {
    const diff = c.status === 'step-failed' || c.status === 'cancelled' ? '–' : `+${c.insertions} −${c.deletions} in ${c.filesChanged} files`;
    return `| ${c.chosen ? `**${c.name}** ✔` : c.name} | ${CANDIDATE_STATUS_TEXT[c.status]} | ${c.score ?? '–'} | ${diff} |`;
  });
  return ['| candidate | result | score | diff |', '|---|---|---|---|', ...rows].join('\n');
}
