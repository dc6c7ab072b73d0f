/**
 * Warnings for repositories named twice that simply run once. Two overlapping `github:` selectors (an org and a
 * topic in it), or a selector and a list, repeat hundreds of repositories at one position of the manifest: one
 * warning each would bury every other warning. Per position, the first few are named one by one and the rest
 * counted in one warning; `fleetmod plan` lists every one of them under "Left out". A line of a list or a literal
 * entry names one repository, so each of those is still named. A duplicate whose settings (skip, base, env)
 * decide what happens is not one of these: it is always named.
 */
import { createCountedWarnings, type Position } from './counted-warnings.js';
import type { Diagnostic } from './diagnostics.js';

export interface DuplicateWarnings {
  /** Warns about one duplicate that runs once; `at` is where the manifest names it again. */
  warn(at: Position, message: string): void;
  /** Adds, per position, the one warning that counts the duplicates past the first three. */
  finish(): void;
}

export function createDuplicateWarnings(warnings: Diagnostic[]): DuplicateWarnings {
  const counted = createCountedWarnings(warnings, {
    named: 3,
    rest: (count) =>
      `${count === 1 ? '1 more repository listed here is' : `${count} more repositories listed here are`} also listed earlier; each runs once (fleetmod plan lists them)`,
  });
  return {
    warn: (at, message) => counted.warn(`${at.file}:${at.line}:${at.col}`, at, message),
    finish: () => counted.finish(),
  };
}
