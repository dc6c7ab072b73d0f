/**
 * The manifest without the values the schema refused, so that the checks that need a whole job (templates,
 * conditions, conflicts, duplicates) can still run and `validate` reports every problem at once. Only keys are
 * taken out: a refused optional setting falls back to its default. A refused list item, required setting or name
 * leaves nothing sound to check (a step without its name gets another one, and every use of the name would be
 * reported unknown), and then there is no pruned manifest.
 */
import type { z } from 'zod';

export function pruneInvalid(input: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(input);
  for (const issue of issues) {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const at of paths) {
      const key = at[at.length - 1];
      if (typeof key !== 'string' || key === 'name') return undefined;
      const parent = at.slice(0, -1).reduce<unknown>((node, step) => (isObject(node) ? node[step as string] : undefined), copy);
      if (!isObject(parent)) return undefined;
      delete parent[key];
    }
  }
  return copy;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}
