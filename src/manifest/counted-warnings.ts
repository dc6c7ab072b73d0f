/**
 * Warnings that can come by the hundred — every path of a list written on another machine missing, two `github:`
 * selectors sharing an org — named one by one up to a few per group and the rest of the group counted in one
 * warning, at the first of them: hundreds of alike lines would bury every other warning.
 */
import type { Diagnostic } from './diagnostics.js';

export type Position = Pick<Diagnostic, 'file' | 'line' | 'col'>;

export interface CountedWarnings {
  /** One warning of `group` at `at`: named while the group has named fewer than its share, otherwise counted. */
  warn(group: string, at: Position, message: string): void;
  /** Adds, per group, the warning that counts what was not named. */
  finish(): void;
}

export interface CountedWarningsOptions {
  /** How many warnings of one group are named one by one. */
  named: number;
  /** The counting warning's message for `count` more (at least 1). */
  rest: (count: number) => string;
}

export function createCountedWarnings(warnings: Diagnostic[], options: CountedWarningsOptions): CountedWarnings {
  const groups = new Map<string, { named: number; counted: number; firstCounted?: Position }>();
  return {
    warn(group, at, message) {
      const seen = groups.get(group) ?? { named: 0, counted: 0 };
      groups.set(group, seen);
      const position = { file: at.file, line: at.line, col: at.col };
      if (seen.named < options.named) {
        seen.named += 1;
        warnings.push({ ...position, severity: 'warning', message });
        return;
      }
      seen.counted += 1;
      seen.firstCounted ??= position;
    },
    finish() {
      for (const { counted, firstCounted } of groups.values()) {
        if (firstCounted) warnings.push({ ...firstCounted, severity: 'warning', message: options.rest(counted) });
      }
    },
  };
}
