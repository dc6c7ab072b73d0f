/**
 * Editors on Windows may save UTF-8 with a byte-order mark. Node keeps it as a first character U+FEFF, which
 * counts as a column: every position on line 1 would be one to the right of what the editor shows.
 */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
