/** "Did you mean" suggestions for misspelled keys, values and names. */

/** Edit distance where swapping two neighbouring letters counts as one edit ("stpes" → "steps" is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * Words people write for a key that fleetmod spells differently. A hint is offered only when the suggested key
 * exists where the unknown key was written.
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  branch: ['base'],
  'base-branch': ['base'],
  command: ['run'],
  cmd: ['run'],
  script: ['run'],
  environment: ['env'],
  image: ['template'],
  parallelism: ['concurrency'],
  'max-parallel': ['concurrency'],
  workers: ['concurrency'],
  tests: ['verify'],
  test: ['verify'],
  checks: ['verify'],
  'pull-request': ['pr'],
  pull_request: ['pr'],
  message: ['commit'],
  owner: ['org', 'user'],
  organization: ['org'],
  organisation: ['org'],
  when: ['if'],
  condition: ['if'],
  'allow-failure': ['continue-on-error'],
  'ignore-errors': ['continue-on-error'],
};

/** The closest candidate within a distance that still reads as a typo, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const exactIgnoringCase = list.find((c) => c.toLowerCase() === lower);
  if (exactIgnoringCase) return exactIgnoringCase;
  const normalized = lower.replace(/_/g, '-');
  const sameOnceNormalized = list.find((c) => c.toLowerCase() === normalized);
  if (sameOnceNormalized) return sameOnceNormalized;
  for (const alias of ALIASES[lower] ?? []) if (list.includes(alias)) return alias;

  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  if (bestDistance <= allowed) return best;
  // "monday" → "mon", "production" → "prod": a candidate the word starts with.
  return list.find((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()));
}

/** `; did you mean "x"?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}
