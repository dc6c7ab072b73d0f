/**
 * One zod issue → one sentence a person can act on: what is wrong with the value as written and, where there is a
 * usual fix, the fix. Union issues and unknown keys are handled in zod-issues.ts; this file handles the rest.
 */
import type { z } from 'zod';
import { didYouMean } from './suggest.js';
import { defOf, isWholeNumber, shapeOf, unwrap } from './schema-walk.js';
import { describeValue } from './unit-hints.js';

type Issue = z.core.$ZodIssue;

/**
 * `node` is the schema at the issue's path (for hints), `value` the value there, `written` its text in the manifest
 * when YAML read it as a number or boolean (`1.10`, not 1.1).
 */
export function issueMessage(issue: Issue, value: unknown, node: unknown, written?: string): string {
  // A message written in the schema knows the field better than any generic rewording.
  if (!isZodDefault(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(issue.expected, value, node, written);
    case 'too_small':
      return tooSmall(issue, node);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_value': {
      const values = issue.values;
      if (values.length === 1) return `must be ${JSON.stringify(values[0])}, got ${describeValue(value)}`;
      const list = values.map((v) => JSON.stringify(v)).join(', ');
      return `must be one of ${list}, got ${describeValue(value)}${typeof value === 'string' ? didYouMean(value, values.map(String)) : ''}`;
    }
    case 'invalid_format':
      return `${describeValue(value)} is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function isZodDefault(message: string): boolean {
  return /^(Invalid|Too small|Too big|Unrecognized)/.test(message);
}

/** Words YAML 1.1 read as booleans; YAML 1.2, which the manifest is read with, reads all but true/false as text. */
export const YAML11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false', 'True', 'False', 'TRUE', 'FALSE']);

function typeMessage(expected: string, value: unknown, node: unknown, written?: string): string {
  const got = describeValue(value);
  switch (expected) {
    case 'string': {
      if (typeof value === 'number' || typeof value === 'boolean') {
        const text = written ?? String(value);
        return `expected text, got ${typeof value === 'number' ? `the number ${text}` : text}; quote it: "${text}"`;
      }
      return `expected text, got ${got}`;
    }
    case 'number':
    case 'int': {
      const what = expected === 'int' || isWholeNumber(node) ? 'a whole number' : 'a number';
      if (typeof value === 'number') return `expected ${what}, got ${value}`;
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return `expected ${what}, got ${got}; remove the quotes`;
      return `expected ${what}, got ${got}`;
    }
    case 'boolean': {
      if (typeof value === 'string' && YAML11_BOOLEANS.has(value)) {
        return `expected true or false, got ${got}${/^(true|false)$/i.test(value) ? '; remove the quotes' : ' (YAML 1.2 reads yes/no/on/off as text)'}`;
      }
      return `expected true or false, got ${got}`;
    }
    case 'array':
      return `expected a list, got ${got}${listHint(value, node)}`;
    case 'object':
    case 'record':
      return `expected a mapping (key: value), got ${got}${mappingHint(value, node)}`;
    default:
      return `expected ${expected}, got ${got}`;
  }
}

/** A string where a list belongs: show the list form, with the step shape when the items are steps. */
function listHint(value: unknown, node: unknown): string {
  if (typeof value !== 'string') return '';
  const element = defOf(unwrap(node))?.element;
  const itemShape = shapeOf(element);
  if (itemShape && 'run' in itemShape) return `; write each step as "- run: ${short(value)}"`;
  if (itemShape) return '; write one "- item" per line';
  return `; write [${short(value)}] or one "- item" per line`;
}

/** A string where a mapping belongs: for step-like objects, show the `run:` form. */
function mappingHint(value: unknown, node: unknown): string {
  if (typeof value !== 'string') return '';
  const shape = shapeOf(node);
  if (shape && 'run' in shape) return `; write "- run: ${short(value)}"`;
  return '';
}

function short(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>, node: unknown): string {
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `must list at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'string') return 'must not be empty';
  const min = Number(issue.minimum);
  if (!issue.inclusive && isWholeNumber(node)) return `must be at least ${Math.floor(min) + 1}`;
  return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const max = Number(issue.maximum);
  if (issue.origin === 'array') return `must list at most ${max} items`;
  if (issue.origin === 'string') return `must be at most ${max} characters`;
  return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
}
