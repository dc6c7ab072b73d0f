/**
 * What the loader refuses beyond zod's patterns, written into the generated JSON Schema where a pattern can say it,
 * so an editor marks it as it is typed instead of `fleetmod validate` later: zero durations, sizes and rates (zod
 * refines them away, and refinements do not reach JSON Schema), environment names fleetmod reserves, and URLs where
 * `sandbox.network` wants host names. Everything else semantic stays with `validate`.
 */
import { DURATION_PATTERN, ENV_NAME_PATTERN, RATE_PATTERN, SIZE_PATTERN } from './schema-fields.js';

const NOT_BY_PATTERN: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: '^(0+(\\.0+)?(ms|s|m|h|d))+$',
  [SIZE_PATTERN]: '^0+(\\.0+)?\\s*[A-Za-z]+$',
  [RATE_PATTERN]: '^0+\\s*/',
  [ENV_NAME_PATTERN]: '^FLEETMOD_',
};

/** A scheme in front of a host: `sandbox.network` takes host names, addresses and ranges. */
const URL_NOT_HOST = '^[A-Za-z][A-Za-z0-9+.-]*://';

/** Adds the refusals to a generated schema, in place; returns it. */
export function addLoaderLimits(schema: Record<string, unknown>): Record<string, unknown> {
  visit(schema);
  const network = ((schema.properties as Record<string, Record<string, unknown>> | undefined)?.sandbox?.properties as Record<string, Record<string, unknown>> | undefined)
    ?.network;
  for (const option of (network?.anyOf ?? []) as Record<string, unknown>[]) {
    if (option.type === 'array' && option.items && typeof option.items === 'object') (option.items as Record<string, unknown>).not = { pattern: URL_NOT_HOST };
  }
  return schema;
}

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) visit(child);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  // zod writes a pattern's `/` escaped (`\/`).
  const refused = typeof schema.pattern === 'string' ? NOT_BY_PATTERN[schema.pattern.replaceAll('\\/', '/')] : undefined;
  if (refused && schema.not === undefined) schema.not = { pattern: refused };
  for (const child of Object.values(schema)) visit(child);
}
