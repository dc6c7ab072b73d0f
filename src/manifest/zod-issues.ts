/** Turns zod issues into diagnostics at YAML positions, with "did you mean" for unknown keys. */
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { positionOf, type PathPart } from './positions.js';
import { closest } from './suggest.js';

type Issue = z.core.$ZodIssue;

export function issuesToDiagnostics(
  issues: readonly Issue[],
  schema: z.ZodType,
  doc: Document,
  lines: LineCounter,
  file: string,
  input: unknown,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    for (const d of issueToDiagnostics(issue, schema, doc, lines, file, input, [])) out.push(d);
  }
  return dedupe(out);
}

function issueToDiagnostics(
  issue: Issue,
  schema: z.ZodType,
  doc: Document,
  lines: LineCounter,
  file: string,
  input: unknown,
  prefix: PathPart[],
): Diagnostic[] {
  const path = [...prefix, ...(issue.path as PathPart[])];
  const at = (p: readonly PathPart[], key = false) => positionOf(doc, lines, p, { key });
  const label = path.length ? pathLabel(path) : 'manifest';

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      const pos = at([...path, key], true);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? `; allowed: ${known.join(', ')}` : '';
      return { file, ...pos, severity: 'error', message: `unknown key "${key}" in ${label}${hint}` };
    });
  }

  if (issue.code === 'invalid_union') {
    // Pick the branch whose failures go deepest: it is the one the author was trying to write.
    const branches = (issue as { errors?: Issue[][] }).errors ?? [];
    const best = pickBranch(branches, valueAt(input, path));
    if (best) return best.flatMap((inner) => issueToDiagnostics(inner, schema, doc, lines, file, input, path));
    return [{ file, ...at(path), severity: 'error', message: `${label}: ${issue.message}` }];
  }

  const value = valueAt(input, path);
  const missing = value === undefined && issue.code === 'invalid_type';
  if (missing) {
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    return [{ file, ...at(parent), severity: 'error', message: `${pathLabel(parent) || 'manifest'}: missing required key "${key}"` }];
  }
  return [{ file, ...at(path), severity: 'error', message: `${label}: ${friendly(issue)}` }];
}

function friendly(issue: Issue): string {
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

function pickBranch(branches: Issue[][], value: unknown): Issue[] | undefined {
  if (branches.length === 0) return undefined;
  const scored = branches.map((issues) => ({ issues, score: branchScore(issues, value) }));
  scored.sort((a, b) => b.score - a.score);
  return scored[0]?.issues;
}

function branchScore(issues: Issue[], value: unknown): number {
  // A branch that fails only on type at the root is the wrong branch; deep or key-level failures mean the
  // author picked this shape and got a detail wrong.
  let score = 0;
  for (const issue of issues) {
    score += issue.path.length * 2;
    if (issue.code === 'unrecognized_keys') score += 1;
    if (issue.code === 'invalid_type' && issue.path.length === 0) score -= 5;
  }
  if (value && typeof value === 'object' && issues.every((i) => i.code !== 'invalid_type' || i.path.length > 0)) score += 3;
  return score / Math.max(1, issues.length);
}

export function pathLabel(path: readonly PathPart[]): string {
  let label = '';
  for (const part of path) label += typeof part === 'number' ? `[${part}]` : label ? `.${part}` : part;
  return label;
}

function valueAt(input: unknown, path: readonly PathPart[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** Keys an object schema accepts at `path`, found by walking the zod schema (through arrays, unions, optionals). */
export function knownKeys(schema: z.ZodType, path: readonly PathPart[]): string[] {
  const found = new Set<string>();
  walk(schema, [...path], found);
  return [...found];
}

function walk(schema: unknown, path: PathPart[], found: Set<string>): void {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return;
  const type = def.type as string;
  if (type === 'optional' || type === 'default' || type === 'nullable' || type === 'prefault' || type === 'readonly') {
    walk(def.innerType, path, found);
    return;
  }
  if (type === 'pipe') {
    walk(def.in, path, found);
    return;
  }
  if (type === 'union') {
    for (const option of def.options as unknown[]) walk(option, [...path], found);
    return;
  }
  if (type === 'array') {
    if (path.length === 0) return;
    walk(def.element, path.slice(1), found);
    return;
  }
  if (type === 'record') {
    if (path.length === 0) return;
    walk(def.valueType, path.slice(1), found);
    return;
  }
  if (type === 'object') {
    const shape = def.shape as Record<string, unknown>;
    if (path.length === 0) {
      for (const key of Object.keys(shape)) if (key !== '$schema') found.add(key);
      return;
    }
    const next = shape[String(path[0])];
    if (next) walk(next, path.slice(1), found);
  }
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
