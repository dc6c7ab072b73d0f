/**
 * Walks the zod schema by a path in the manifest, so diagnostics can say which keys are allowed at a place and
 * which form of a union the author was writing. Reads zod's definition objects (`_zod.def`), nothing else.
 */
import type { z } from 'zod';
import type { PathPart } from './positions.js';

type Def = Record<string, unknown> & { type: string };

export function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** The schema without optional/default/transform wrappers. */
export function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 20; i += 1) {
    const def = defOf(current);
    if (!def) return current;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
  return current;
}

export function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = defOf(unwrap(schema));
  return def?.type === 'object' ? (def.shape as Record<string, unknown>) : undefined;
}

export function unionOptions(schema: unknown): unknown[] | undefined {
  const def = defOf(unwrap(schema));
  return def?.type === 'union' ? (def.options as unknown[]) : undefined;
}

/**
 * The schema that describes the value at `path`. Unions are resolved with the input: among object forms, the one
 * sharing keys with what the author wrote; otherwise the first form of a matching type.
 */
export function schemaAt(schema: z.ZodType, path: readonly PathPart[], input: unknown): unknown {
  let node: unknown = schema;
  let value: unknown = input;
  for (const part of path) {
    node = chooseOption(node, value);
    const def = defOf(node);
    if (!def) return undefined;
    if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(part)];
    else return undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined;
    if (node === undefined) return undefined;
  }
  return chooseOption(node, value);
}

/** The unwrapped schema, or for a union the option that best fits `value`. */
export function chooseOption(schema: unknown, value: unknown): unknown {
  const inner = unwrap(schema);
  const options = unionOptions(inner);
  if (!options) return inner;
  const fitting = optionsFitting(options, value);
  return unwrap(fitting[0] ?? options[0]);
}

/** Union options whose type matches `value`, best first (object forms ordered by shared keys). */
export function optionsFitting(options: readonly unknown[], value: unknown): unknown[] {
  const kind = kindOfValue(value);
  const matching = options.filter((option) => kindsOfSchema(option).includes(kind));
  if (kind !== 'object') return matching;
  const keys = Object.keys(value as object);
  const overlap = (option: unknown) => Object.keys(shapeOf(option) ?? {}).filter((k) => keys.includes(k)).length;
  return [...matching].sort((a, b) => overlap(b) - overlap(a));
}

export type ValueKind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null' | 'undefined';

export function kindOfValue(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'object') return type;
  return 'undefined';
}

/** The value kinds a schema accepts (a union accepts what any option accepts). */
export function kindsOfSchema(schema: unknown): ValueKind[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (!def) return [];
  switch (def.type) {
    case 'string':
    case 'enum':
    case 'template_literal':
      return ['string'];
    case 'number':
    case 'int':
      return ['number'];
    case 'boolean':
      return ['boolean'];
    case 'object':
    case 'record':
      return ['object'];
    case 'array':
      return ['array'];
    case 'literal':
      return (def.values as unknown[]).map(kindOfValue);
    case 'union':
      return [...new Set((def.options as unknown[]).flatMap(kindsOfSchema))];
    default:
      return [];
  }
}

/** Keys an object schema accepts at `path` (the object form the author is writing, for unions). */
export function knownKeys(schema: z.ZodType, path: readonly PathPart[], input: unknown): string[] {
  const shape = shapeOf(schemaAt(schema, path, input));
  return shape ? Object.keys(shape).filter((key) => key !== '$schema') : [];
}

/** How a union's forms read in a message: `text, {repo: …}, {file: …} or {github: …}`. */
export function describeForms(options: readonly unknown[]): string {
  const forms = options.map(describeForm);
  const unique = [...new Set(forms)];
  return unique.length <= 1 ? (unique[0] ?? 'something else') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function describeForm(option: unknown): string {
  const def = defOf(unwrap(option));
  if (!def) return 'a value';
  switch (def.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'array':
      return 'a list';
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
    case 'enum':
      return Object.values(def.entries as Record<string, string>).map((v) => JSON.stringify(v)).join(', ');
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const required = Object.keys(shape).find((key) => defOf(shape[key])?.type !== 'optional');
      return required ? `{${required}: …}` : 'a mapping';
    }
    default:
      return 'a value';
  }
}

/** Whether the number schema only takes whole numbers. */
export function isWholeNumber(schema: unknown): boolean {
  return (unwrap(schema) as { isInt?: boolean } | undefined)?.isInt === true;
}
