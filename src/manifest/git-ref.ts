/**
 * Branch names git accepts (the rules of `git check-ref-format --branch`), checked at validate time so a bad
 * `change.branch` or `base` fails before any repository is cloned.
 */

/** Why `name` is not a valid branch name, or undefined when it is. */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a branch name must not be empty';
  const bad = /[\s~^:?*[\\\x00-\x1f\x7f]/.exec(name);
  if (bad) return `a branch name cannot contain ${describe(bad[0])}`;
  if (name.includes('..')) return 'a branch name cannot contain ".."';
  if (name.includes('@{')) return 'a branch name cannot contain "@{"';
  if (name === '@') return 'a branch name cannot be "@"';
  if (name.startsWith('-')) return 'a branch name cannot start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'a branch name cannot start or end with "/"';
  if (name.includes('//')) return 'a branch name cannot contain "//"';
  if (name.endsWith('.')) return 'a branch name cannot end with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `a branch name component cannot start with "." ("${part}")`;
    if (part.endsWith('.lock')) return `a branch name component cannot end with ".lock" ("${part}")`;
  }
  return undefined;
}

function describe(ch: string): string {
  if (ch === ' ') return 'spaces';
  if (/\s/.test(ch)) return 'whitespace';
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control characters (0x${code.toString(16).padStart(2, '0')})`;
  return `"${ch}"`;
}
