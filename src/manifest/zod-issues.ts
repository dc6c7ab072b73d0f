/**
 * Turns zod issues into diagnostics at YAML positions. Unions are resolved to the form the author was writing
 * (so `- repo: x` with a typo gets the repo-object message, not three alternatives), unknown keys get "did you
 * mean", and a "missing key" that is only the other half of a misspelled key is dropped.
 */
import { isScalar, type Document, type LineCounter } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { pathLabel, positionOf, type PathPart } from './positions.js';
import { defOf, describeForms, kindOfValue, knownKeys, optionsFitting, schemaAt, shapeOf, unionOptions } from './schema-walk.js';
import { closest } from './suggest.js';
import { describeValue } from './unit-hints.js';
import { issueMessage, YAML11_BOOLEANS } from './zod-messages.js';

type Issue = z.core.$ZodIssue;

interface Context {
  schema: z.ZodType;
  doc: Document;
  lines: LineCounter;
  file: string;
  input: unknown;
}

interface Finding {
  path: PathPart[];
  message: string;
  /** Point at the key of the last path element rather than its value. */
  atKey?: boolean;
  /** For a missing required key: its name (may be dropped when an unknown key suggests it). */
  missing?: string;
  /** For an unknown key: the key it probably meant. */
  suggests?: string;
}

export function issuesToDiagnostics(
  issues: readonly Issue[],
  schema: z.ZodType,
  doc: Document,
  lines: LineCounter,
  file: string,
  input: unknown,
): Diagnostic[] {
  const ctx: Context = { schema, doc, lines, file, input };
  const findings = issues.flatMap((issue) => findingsFor(ctx, issue, []));
  const suggested = new Set(findings.filter((f) => f.suggests).map((f) => `${parentKey(f.path)}|${f.suggests}`));
  const kept = findings.filter((f) => !(f.missing && suggested.has(`${parentKey([...f.path, f.missing])}|${f.missing}`)));
  return dedupe(
    kept.map((f) => ({
      file,
      ...positionOf(doc, lines, f.path, { key: f.atKey ?? false }),
      severity: 'error',
      message: f.message,
    })),
  );
}

function findingsFor(ctx: Context, issue: Issue, prefix: PathPart[]): Finding[] {
  const path = [...prefix, ...(issue.path as PathPart[])];
  const label = pathLabel(path) || 'manifest';
  const value = valueAt(ctx.input, path);

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(ctx.schema, path, ctx.input);
    return issue.keys.map((key): Finding => {
      const suggestion = closest(key, known.filter((k) => !hasKey(value, k)));
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? `; allowed here: ${known.join(', ')}` : '';
      return { path: [...path, key], atKey: true, message: `${label}: unknown key "${key}"${hint}`, ...(suggestion && { suggests: suggestion }) };
    });
  }

  if (issue.code === 'invalid_union') return unionFindings(ctx, issue, path, label, value);

  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0];
    const message = inner && !inner.message.startsWith('Invalid') ? inner.message : `key "${String(path[path.length - 1])}" is not allowed here`;
    return [{ path, atKey: true, message: `${pathLabel(path.slice(0, -1)) || 'manifest'}: ${message}` }];
  }

  if (value === undefined && issue.code === 'invalid_type') {
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    return [{ path: parent, missing: key, message: `${pathLabel(parent) || 'manifest'}: missing required key "${key}"` }];
  }

  if (path.length === 0 && issue.code === 'invalid_type') {
    return [{ path, message: `the manifest must be a mapping with name:, repos:, steps: and change:, got ${describeValue(value)}` }];
  }

  const node = schemaAt(ctx.schema, path, ctx.input);
  return [{ path, message: `${label}: ${issueMessage(issue, value, node, writtenScalar(ctx.doc, path))}` }];
}

/** A union failed: find the form the author meant from the value they wrote, and report that form's problems. */
function unionFindings(ctx: Context, issue: Extract<Issue, { code: 'invalid_union' }>, path: PathPart[], label: string, value: unknown): Finding[] {
  const unionNode = unionAt(ctx, path);
  const options = unionNode ? (unionOptions(unionNode) ?? []) : [];
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  if (options.length !== branches.length || options.length === 0) {
    return [{ path, message: `${label}: ${issue.message.replace(/^Invalid input: /, '')}` }];
  }
  const fitting = optionsFitting(options, value);
  // `publish: yes` fits the text form ("draft") only because YAML 1.2 reads yes as text; the author meant true.
  const meantBoolean = typeof value === 'string' && YAML11_BOOLEANS.has(value) && options.some((option) => defOf(option)?.type === 'boolean');
  if (meantBoolean) {
    const hint = /^(true|false)$/i.test(value) ? '; remove the quotes' : ' (YAML 1.2 reads yes/no/on/off as text)';
    return [{ path, message: `${label}: expected ${describeForms(options)}, got ${describeValue(value)}${hint}` }];
  }
  if (fitting.length === 0) {
    return [{ path, message: `${label}: expected ${describeForms(options)}, got ${describeValue(value)}` }];
  }
  if (kindOfValue(value) === 'object') {
    const mixed = mixedForms(fitting, value as Record<string, unknown>);
    if (mixed) return [{ path, message: `${label}: ${mixed}` }];
    const shared = (option: unknown) => Object.keys(shapeOf(option) ?? {}).some((k) => hasKey(value, k));
    if (!fitting.some(shared) && fitting.length > 1) {
      const misspelled = suggestAcrossForms(fitting, Object.keys(value as object), path, label);
      if (misspelled) return misspelled;
      if (Object.keys(value as object).length === 0) return [{ path, message: `${label}: an empty mapping; expected ${describeForms(options)}` }];
      const keys = Object.keys(value as object).map((k) => `"${k}"`).join(', ');
      return [{ path, message: `${label}: expected ${describeForms(options)}; ${keys} ${Object.keys(value as object).length === 1 ? 'is not a key' : 'are not keys'} of any of them` }];
    }
  }
  const chosen = options.indexOf(fitting[0]);
  const inner = branches[chosen] ?? [];
  return inner.flatMap((i) => findingsFor(ctx, i, path));
}

/**
 * No form knows any key written (`- githb: {org: acme}`, `- {rpo: acme/z}`): when every key is a typo of a key of some
 * form, say which, as for an unknown key of a single form. Otherwise undefined (the forms are listed instead).
 */
function suggestAcrossForms(options: readonly unknown[], keys: readonly string[], path: PathPart[], label: string): Finding[] | undefined {
  const known = [...new Set(options.flatMap((option) => Object.keys(shapeOf(option) ?? {})))];
  const findings = keys.map((key): Finding | undefined => {
    const suggestion = closest(key, known);
    return suggestion ? { path: [...path, key], atKey: true, message: `${label}: unknown key "${key}"; did you mean "${suggestion}"?`, suggests: suggestion } : undefined;
  });
  return keys.length > 0 && findings.every((f) => f !== undefined) ? (findings as Finding[]) : undefined;
}

/** Two object forms each recognise some of the keys written: the entry mixes forms (e.g. repo: and file:). */
function mixedForms(options: readonly unknown[], value: Record<string, unknown>): string | undefined {
  const claimed = options
    .map((option) => Object.keys(shapeOf(option) ?? {}).filter((k) => k in value))
    .filter((keys) => keys.length > 0);
  if (claimed.length < 2) return undefined;
  const leading = claimed.map((keys) => `"${keys[0]}"`);
  return `${leading.join(' and ')} are different forms of this entry; write them as separate entries`;
}

function unionAt(ctx: Context, path: readonly PathPart[]): unknown {
  // schemaAt resolves unions at the last step; walk to the parent and take the raw child instead.
  if (path.length === 0) return ctx.schema;
  const parent = schemaAt(ctx.schema, path.slice(0, -1), ctx.input);
  const def = defOf(parent);
  if (!def) return undefined;
  const last = path[path.length - 1] as PathPart;
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'object') return (def.shape as Record<string, unknown>)[String(last)];
  return undefined;
}

/**
 * The text of an unquoted number or boolean as the author wrote it: YAML turns `1.10` into 1.1 and `007` into 7, and a
 * "quote it" hint must show what to put in quotes, not the number YAML made of it.
 */
function writtenScalar(doc: Document, path: readonly PathPart[]): string | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || (typeof node.value !== 'number' && typeof node.value !== 'boolean')) return undefined;
  return node.source;
}

function hasKey(value: unknown, key: string): boolean {
  return value !== null && typeof value === 'object' && key in value;
}

function parentKey(path: readonly PathPart[]): string {
  return JSON.stringify(path.slice(0, -1));
}

export function valueAt(input: unknown, path: readonly PathPart[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
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
