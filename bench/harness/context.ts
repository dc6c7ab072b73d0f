/** What every benchmark gets from the runner. */

export interface BenchContext {
  /** The repository root (dist/, migrations/ and node_modules/ are under it). */
  root: string;
  /** Scratch space under bench/work; generated fleets are kept there between runs. */
  workDir: string;
  /** Pairs of alternating samples (at least 3). */
  pairs: number;
  /** Smaller sizes for a quick look (results are not comparable with the targets). */
  quick: boolean;
  log: (line: string) => void;
}

/** The built CLI every end-to-end benchmark runs, as a user would. */
export function cliPath(ctx: BenchContext): string {
  return `${ctx.root}/dist/cli/main.js`;
}
