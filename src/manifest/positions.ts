/** Maps a path inside the parsed manifest (e.g. ["steps", 2, "run"]) to a line and column in the YAML text. */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type PathPart = string | number;

export interface Position {
  line: number;
  col: number;
}

export interface PositionOptions {
  /** Point at the key of the last path element instead of its value (unknown keys). */
  key?: boolean;
}

export function positionOf(doc: Document, lines: LineCounter, path: readonly PathPart[], options: PositionOptions = {}): Position {
  const { offset } = locate(doc, path, options);
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

/**
 * The position of `needle` inside the value at `path`, as written in `source` (the manifest text), plus `extra`
 * characters. Falls back to the value's start when the text is not there verbatim (escapes, folded lines).
 */
export function positionOfText(
  doc: Document,
  lines: LineCounter,
  source: string,
  path: readonly PathPart[],
  needle: string,
  extra = 0,
  occurrence = 0,
): Position {
  const { offset, node } = locate(doc, path, {});
  const range = isNode(node) ? (node as Node).range : undefined;
  const text = range ? source.slice(range[0], range[2]) : '';
  let found = range && needle ? text.indexOf(needle) : -1;
  for (let n = 0; n < occurrence && found >= 0; n += 1) {
    const next = text.indexOf(needle, found + needle.length);
    if (next < 0) break;
    found = next;
  }
  const { line, col } = lines.linePos(found >= 0 && range ? range[0] + found + extra : offset);
  return { line, col };
}

function locate(doc: Document, path: readonly PathPart[], options: PositionOptions): { offset: number; node: unknown } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i += 1) {
    const part = path[i] as PathPart;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(part));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (last && options.key && keyStart !== undefined) {
        offset = keyStart;
        node = undefined;
        break;
      }
      node = pair.value;
      offset = rangeStart(pair.value) ?? keyStart ?? offset;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(item) ?? offset;
    } else {
      break;
    }
  }
  return { offset, node };
}

/** How a path reads in messages: `steps[2].run`, `change.pr.title`. */
export function pathLabel(path: readonly PathPart[]): string {
  let label = '';
  for (const part of path) label += typeof part === 'number' ? `[${part}]` : label ? `.${part}` : part;
  return label;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string') return key;
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (isNode(node)) {
    const range = (node as Node).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}
