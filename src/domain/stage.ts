/** The stages a repository goes through, in order. Each transition is journaled as it happens. */
export const STAGES = ['resolve', 'clone', 'sandbox', 'steps', 'verify', 'diff', 'commit', 'push', 'pr'] as const;

export type Stage = (typeof STAGES)[number];

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}
