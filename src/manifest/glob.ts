/**
 * Globs on repository names for GitHub selectors: `*` matches any run of characters except "/", `?` one such
 * character; matching ignores case like GitHub does. A glob without "/" is matched against the name alone, so
 * `*-legacy` means "any owner's *-legacy repositories".
 */

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** Whether `owner/name` matches the glob. */
export function matchesGlob(glob: string, owner: string, name: string): boolean {
  const target = glob.includes('/') ? `${owner}/${name}` : name;
  return globToRegExp(glob).test(target);
}

export function matchesAny(globs: readonly string[], owner: string, name: string): string | undefined {
  return globs.find((glob) => matchesGlob(glob, owner, name));
}
