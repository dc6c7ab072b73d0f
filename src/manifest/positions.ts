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
  const { line, col } = lines.linePos(offset);
  return { line, col };
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
