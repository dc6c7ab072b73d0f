/**
 * Runs two contenders alternately — A B A B … — so that whatever drifts on the machine during a benchmark (page
 * cache, another process, thermal state) touches both alike, and ratios are taken pair by pair.
 */

export interface AlternateOptions<A, B> {
  pairs: number;
  a: (round: number) => Promise<A>;
  b: (round: number) => Promise<B>;
  /** Told after each sample, for progress output. */
  onSample?: (which: 'a' | 'b', round: number, value: A | B) => void;
}

export async function alternate<A, B = A>(options: AlternateOptions<A, B>): Promise<{ a: A[]; b: B[] }> {
  if (!Number.isInteger(options.pairs) || options.pairs < 1) throw new TypeError(`Expected \`pairs\` to be a whole number ≥ 1, got \`${options.pairs}\``);
  const a: A[] = [];
  const b: B[] = [];
  for (let round = 0; round < options.pairs; round += 1) {
    const first = await options.a(round);
    a.push(first);
    options.onSample?.('a', round, first);
    const second = await options.b(round);
    b.push(second);
    options.onSample?.('b', round, second);
  }
  return { a, b };
}
