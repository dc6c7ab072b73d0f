/**
 * One character budget for a whole Markdown report. GitHub refuses a comment over 65,536 characters, so every
 * section takes its items (a row, a group, a name) only while they fit, and says what it left out; the lines that
 * must be there whatever the size (headings of what is shown, "… and N more", the footer) come out of a reserve.
 */

/** GitHub's limit on an issue or pull request comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Room kept for the lines added whatever the size: every "… and N more", hints, the pointer and the footer. */
const RESERVE = 3_000;

export interface MarkdownDocument {
  /** Adds lines that must be there; they come out of the reserve when the rest is spent. */
  push(...lines: string[]): void;
  /** Adds the lines of one item only when all of them fit outside the reserve; false (nothing added) otherwise. */
  fits(...lines: string[]): boolean;
  /** Whether some item did not fit. */
  readonly cut: boolean;
  text(): string;
}

export function markdownDocument(limit = GITHUB_COMMENT_LIMIT): MarkdownDocument {
  const lines: string[] = [];
  let size = 0;
  let cut = false;
  const cost = (more: readonly string[]) => more.reduce((n, line) => n + line.length + 1, 0);
  return {
    push(...more) {
      lines.push(...more);
      size += cost(more);
    },
    fits(...more) {
      const n = cost(more);
      if (size + n > limit - RESERVE) {
        cut = true;
        return false;
      }
      lines.push(...more);
      size += n;
      return true;
    },
    get cut() {
      return cut;
    },
    text: () => `${lines.join('\n')}\n`,
  };
}
