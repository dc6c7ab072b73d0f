/**
 * What the CLI loads. Each command's work is in a module of its own (`<command>-command.ts`) that is loaded only
 * when that command runs, so `--help`, `--version` and a mistyped command start without the journal, git, the
 * GitHub client or the manifest schema; and a run loads the GitHub client only for its first GitHub repository. And the E2B SDK is a large module tree (about 25 MB and a noticeable
 * start-up): only E2B jobs and `fleetmod sandboxes` load it, through dynamic imports. Every other command — a local
 * run, a report, a plan — must not reach it through a static import anywhere in its module graph.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/** The modules of every command, loaded when it runs (`sandboxes` loads the E2B SDK on purpose). */
const COMMANDS = readdirSync(path.join(SRC, 'cli', 'commands'))
  .filter((file) => file.endsWith('-command.ts'))
  .map((file) => `cli/commands/${file}`);

describe('the CLI loads what a command needs when it runs', () => {
  it('the CLI entry reaches none of the large packages by static imports', () => {
    const packages = staticPackages('cli/main.ts');
    expect(packages.has('commander'), 'the walk follows the CLI graph').toBe(true);
    expect([...packages.keys()]).toEqual(['commander']);
  });

  it('a run reaches the GitHub client only through a dynamic import, made for its first GitHub repository', () => {
    expect([...staticPackages('cli/commands/run-command.ts').keys()].filter((name) => name.startsWith('@octokit/'))).toEqual([]);
    expect(staticPackages('codehost/github/client.ts').has('@octokit/rest')).toBe(true);
  });

  it('the command modules do (the walk would see them)', () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(13);
    expect(staticPackages('cli/commands/run-command.ts').has('better-sqlite3')).toBe(true);
    expect(staticPackages('cli/commands/validate-command.ts').has('zod')).toBe(true);
  });
});

describe('the E2B SDK is loaded only when needed', () => {
  it('no static import chain from the CLI entry or a command other than sandboxes reaches it', () => {
    for (const entry of ['cli/main.ts', ...COMMANDS.filter((file) => !file.endsWith('/sandboxes-command.ts'))]) {
      const packages = staticPackages(entry);
      expect([...packages].filter(([name]) => name === 'e2b' || name.startsWith('e2b/')), entry).toEqual([]);
    }
  });

  it('the E2B provider itself does import it (the walk would see it)', () => {
    expect(staticPackages('sandbox/e2b/provider.ts').has('e2b')).toBe(true);
    expect(staticPackages('cli/commands/sandboxes-command.ts').has('e2b')).toBe(true);
  });
});
