/** The example jobs in jobs/examples and the key paths of the manifest language, for coverage checks. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const EXAMPLES_DIR = path.resolve(import.meta.dirname, '../../jobs/examples');

export interface ExampleJob {
  file: string;
  text: string;
}

export async function exampleJobs(): Promise<ExampleJob[]> {
  const files = (await readdir(EXAMPLES_DIR)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(EXAMPLES_DIR, file), 'utf8') })));
}

/** Every key path of a JSON Schema ("sandbox.e2b.vcpu"); list items and union forms share their parent's path. */
export function schemaKeyPaths(schema: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    for (const [key, child] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
      found.add(`${at}${key}`);
      visit(child, `${at}${key}.`);
    }
    for (const option of (s.anyOf ?? []) as unknown[]) visit(option, at);
    visit(s.items, at);
  };
  visit(schema, '');
  return [...found].sort();
}

/** Every key path used in a parsed YAML value (list indices dropped). */
export function valueKeyPaths(value: unknown, at = '', found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) valueKeyPaths(item, at, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      found.add(`${at}${key}`);
      valueKeyPaths(child, `${at}${key}.`, found);
    }
  }
  return found;
}
