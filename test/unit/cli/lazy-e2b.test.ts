/**
 * The E2B SDK is a large module tree (about 25 MB and a noticeable start-up): only E2B jobs and `fleetmod
 * sandboxes` load it, through dynamic imports. Every other command — a local run, a report, a plan — must not
 * reach it through a static import anywhere in the CLI's module graph.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../../src');
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm;

/** The packages reachable by static (non-type) imports from `entry`, with the file that imports each. */
function staticPackages(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = (match[1] ?? match[2]) as string;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, path.relative(SRC, file));
    }
  };
  visit(path.join(SRC, entry));
  return packages;
}

describe('the E2B SDK is loaded only when needed', () => {
  it('no static import chain from the CLI entry reaches it', () => {
    const packages = staticPackages('cli/main.ts');
    expect(packages.has('better-sqlite3'), 'the walk follows the CLI graph').toBe(true);
    expect([...packages].filter(([name]) => name === 'e2b' || name.startsWith('e2b/'))).toEqual([]);
  });

  it('the E2B provider itself does import it (the walk would see it)', () => {
    expect(staticPackages('sandbox/e2b/provider.ts').has('e2b')).toBe(true);
  });
});
