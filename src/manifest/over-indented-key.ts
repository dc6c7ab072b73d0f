/**
 * A key indented deeper than the key above it (`- name: fix` then `     run: x`) continues that key's plain value,
 * and the parser reports a value containing ": " at the value above (`fix`), with advice to quote it. The line to
 * fix is the deeper key's: this names it and points there. The parser's sign of it is a pair of errors at the same
 * value: a nested mapping in a compact one, and an implicit key over several lines that ends at the deeper key's colon.
 */
import type { YAMLError } from 'yaml';

export interface OverIndentedKey {
  /** Where the deeper key starts. */
  offset: number;
  message: string;
}

/** The over-indented keys among the parser's errors, by the offset of the value they were read into. */
export function overIndentedKeys(errors: readonly YAMLError[], text: string): Map<number, OverIndentedKey> {
  const found = new Map<number, OverIndentedKey>();
  const nested = new Set(errors.filter((e) => e.code === 'BLOCK_AS_IMPLICIT_KEY').map((e) => e.pos[0]));
  for (const e of errors) {
    if (e.code !== 'MULTILINE_IMPLICIT_KEY' || !nested.has(e.pos[0])) continue;
    const [valueStart, colon] = e.pos;
    const lineStart = text.lastIndexOf('\n', colon - 1) + 1;
    if (lineStart <= valueStart || text[colon] !== ':') continue;
    const keyStart = lineStart + (/^[ \t]*/.exec(text.slice(lineStart))?.[0].length ?? 0);
    const key = text.slice(keyStart, colon);
    const value = text.slice(valueStart, text.indexOf('\n', valueStart)).trim();
    found.set(valueStart, {
      offset: keyStart,
      message: `YAML syntax: "${key}:" is indented deeper than the line above, so it reads as more of the value "${value}"; line it up with the keys above it (or quote that value if ": " belongs to it)`,
    });
  }
  return found;
}
