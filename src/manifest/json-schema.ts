/**
 * The JSON Schema of the job manifest, generated from the zod schema for editors (yaml-language-server,
 * VS Code): completion, hover docs from every key's description, and checking as you type. It describes what
 * people write (zod's input side: defaults optional, env values as text, numbers or booleans). Semantic rules
 * (templates, unique names, files…) are only checked by `fleetmod validate`.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { addLoaderLimits } from './json-schema-limits.js';
import { JobManifest } from './schema.js';

/** Where the generated file lives in the package, relative to its root. */
export const JOB_SCHEMA_PATH = 'schema/job.schema.json';
/** The installed file (the same relative path works from src/manifest and dist/manifest). */
export const JOB_SCHEMA_FILE = fileURLToPath(new URL(`../../${JOB_SCHEMA_PATH}`, import.meta.url));

export function jobJsonSchema(): Record<string, unknown> {
  const generated = addLoaderLimits(z.toJSONSchema(JobManifest, { io: 'input', target: 'draft-7' }) as Record<string, unknown>);
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'fleetmod job manifest',
    ...rest,
  };
}

/** The file's exact content: what `npm run schema` writes and the drift test compares. */
export function jobJsonSchemaText(): string {
  return `${JSON.stringify(jobJsonSchema(), null, 2)}\n`;
}
