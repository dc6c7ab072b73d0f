/**
 * Warnings for repositories named twice that simply run once. Two overlapping `github:` selectors (an org and a
 * topic in it), or a selector and a list, repeat hundreds of repositories at one position of the manifest: one
 * warning each would bury every other warning. Per position, the first few are named one by one and the rest
 * counted in one warning; `fleetmod plan` lists every one of them under "Left out". A line of a list or a literal
 * entry names one repository, so each of those is still named. A duplicate whose settings (skip, base, env)
 * decide what happens is not one of these: it is always named.
 */
import type { Diagnostic } from './diagnostics.js';

/** How many plain duplicates are named one by one at one position before the rest there are counted. */
const NAMED_PER_POSITION = 3;

type Position = Pick<Diagnostic, 'file' | 'line' | 'col'>;

export interface DuplicateWarnings {
  /** Warns about one duplicate that runs once; `at` is where the manifest names it again. */
  warn(at: Position, message: string): void;
  /** Adds, per position, the one warning that counts the duplicates past the first few. */
  finish(): void;
}

export function createDuplicateWarnings(warnings: Diagnostic[]): DuplicateWarnings {
  const byPosition = new Map<string, { at: Position; named: number; counted: number }>();
  return {
    warn(at, message) {
      const key = `${at.file}:${at.line}:${at.col}`;
      const seen = byPosition.get(key) ?? { at, named: 0, counted: 0 };
      byPosition.set(key, seen);
      if (seen.named < NAMED_PER_POSITION) {
        seen.named += 1;
        warnings.push({ file: at.file, line: at.line, col: at.col, severity: 'warning', message });
      } else {
        seen.counted += 1;
      }
    },
    finish() {
      for (const { at, counted } of byPosition.values()) {
        if (counted === 0) continue;
        const what = counted === 1 ? '1 more repository listed here is' : `${counted} more repositories listed here are`;
        warnings.push({ file: at.file, line: at.line, col: at.col, severity: 'warning', message: `${what} also listed earlier; each runs once (fleetmod plan lists them)` });
      }
    },
  };
}
