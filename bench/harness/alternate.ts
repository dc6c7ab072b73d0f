/**
 * Runs two contenders alternately, taking turns at going first — A B, B A, A B, … — so that whatever drifts on the
 * machine during a benchmark (page cache, another process, thermal state) touches both alike, ratios are taken
 * pair by pair, and neither contender always gets the place before the other. On this project's benchmark machine
 * the second run of a pair was the slower one in 7 of 8 pairs of two fleetmod builds; with A always first, that
 * alone would flatter A.
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
  const sample = async <T extends A | B>(which: 'a' | 'b', run: (round: number) => Promise<T>, into: T[], round: number) => {
    const value = await run(round);
    into.push(value);
    options.onSample?.(which, round, value);
  };
  const sampleA = (round: number) => sample('a', options.a, a, round);
  const sampleB = (round: number) => sample('b', options.b, b, round);
  for (let round = 0; round < options.pairs; round += 1) {
    const [first, second] = round % 2 === 0 ? [sampleA, sampleB] : [sampleB, sampleA];
    await first(round);
    await second(round);
  }
  return { a, b };
}
