/**
 * Classifies one repository string from a manifest: GitHub shorthand, git URL or local path. Rejects what could
 * be abused later (shell metacharacters, path traversal in names, credentials in URLs) with a reason.
 */
export type ParsedRepoString =
  | { ok: true; kind: 'github'; owner: string; name: string }
  | { ok: true; kind: 'url'; url: string; owner: string; name: string; display: string }
  | { ok: true; kind: 'path'; path: string; owner: string; name: string }
  | { ok: false; error: string };

const SHORTHAND = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;
const SCP_LIKE = /^([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+):([A-Za-z0-9_./~-]+)$/;
const SHELL_METACHARACTER = /[;|&$`<>(){}*?!'"\\]/;
const CONTROL_OR_SPACE = /[\s\x00-\x1f\x7f]/;
// User information in a repository text: `scheme://user[:password]@` (to the last @ before the path, since a
// password may hold #, ? or @, where a URL parser stops), or `user:password@` without a scheme. The SCP form
// `git@host:path` has no password and its `:` comes after the @, so it does not match.
const USER_INFO = /^(?:([a-z][a-z0-9+.-]*:\/\/)[^/]*|[^/@:]*:[^/]*)@/i;
const URL_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:', 'file:']);

export function parseRepoString(raw: string): ParsedRepoString {
  const value = raw.trim();
  if (value.length === 0) return { ok: false, error: 'empty repository entry' };
  // Before anything else: a password may hold the very characters the later checks refuse, and their messages
  // quote the entry.
  if (hasCredentials(value)) return { ok: false, error: carriesCredentials(value) };
  // A metacharacter says more about what went wrong than the space next to it.
  const unsafe = SHELL_METACHARACTER.exec(value) ?? CONTROL_OR_SPACE.exec(value);
  if (unsafe) {
    return { ok: false, error: `${quotedUrl(value)} contains ${describeChar(unsafe[0])}, which is not allowed in a repository entry` };
  }

  if (value.startsWith('/') || value.startsWith('./') || value.startsWith('../') || value.startsWith('~/') || value === '.') {
    const parts = value.replace(/\/+$/, '').split('/');
    const last = parts[parts.length - 1] ?? value;
    const parent = parts[parts.length - 2] ?? 'local';
    return { ok: true, kind: 'path', path: value, owner: cleanName(parent) || 'local', name: stripGit(last) };
  }

  const scp = SCP_LIKE.exec(value);
  if (scp) {
    const repoPath = scp[3] as string;
    if (repoPath.split('/').includes('..')) return { ok: false, error: `${quotedUrl(value)} contains a ".." path segment` };
    if (!repoPath.split('/').some(Boolean)) return { ok: false, error: `${quotedUrl(value)} names no repository: add the repository's path to it` };
    return { ok: true, kind: 'url', url: value, ...hostedNames(scp[2] as string, repoPath) };
  }

  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { ok: false, error: `${quotedUrl(value)} is not a valid URL` };
    }
    if (!URL_SCHEMES.has(url.protocol)) {
      return { ok: false, error: `${quotedUrl(value)}: scheme ${url.protocol.slice(0, -1)} is not supported (use https, ssh, git or file)` };
    }
    if (url.password || (url.username && url.protocol.startsWith('http'))) {
      return { ok: false, error: carriesCredentials(value) };
    }
    const segments = value.replace(/^[a-z+]+:\/\/[^/]*/i, '').split('/');
    if (segments.includes('..')) return { ok: false, error: `${quotedUrl(value)} contains a ".." path segment` };
    // Without a path there is nothing to name the repository after, and nothing a host would clone.
    if (!url.pathname.split('/').some(Boolean)) return { ok: false, error: `${quotedUrl(value)} names no repository: add the repository's path to it` };
    return { ok: true, kind: 'url', url: value, ...(url.protocol === 'file:' ? fileNames(url.pathname) : hostedNames(hostAsWritten(value), url.pathname)) };
  }

  const shorthand = SHORTHAND.exec(value);
  if (shorthand) {
    const owner = shorthand[1] as string;
    const name = shorthand[2] as string;
    if (owner === '.' || owner === '..' || name === '.' || name === '..') {
      return { ok: false, error: `"${value}" is a path traversal, not a repository; write ./${value} for a local path` };
    }
    return { ok: true, kind: 'github', owner, name: stripGit(name) };
  }

  if (value.includes('..')) return { ok: false, error: `${quotedUrl(value)} contains a ".." path segment` };
  return {
    ok: false,
    error: `${quotedUrl(value)} is not a repository: use owner/name, a git URL, or a local path starting with ./, ../ or /`,
  };
}

/** The one message for a URL with a user name or password in it, wherever the manifest holds a URL. */
export function carriesCredentials(url: string): string {
  return `${quotedUrl(url)} carries credentials; put the token in GITHUB_TOKEN instead`;
}

/**
 * A URL as every message quotes it: its user name and password (a token) as ***. Messages go to terminals and CI
 * logs, and nothing knows to censor a token written in a manifest.
 */
export function quotedUrl(url: string): string {
  return `"${url.replace(USER_INFO, '$1***@')}"`;
}

/** A password, or any user name in an http(s) URL (there it can only be a token; ssh needs its `git@`). */
function hasCredentials(value: string): boolean {
  const info = USER_INFO.exec(value);
  if (!info) return false;
  const scheme = info[1] ?? '';
  return info[0].slice(scheme.length).includes(':') || /^https?:\/\//i.test(scheme);
}

/**
 * Owner and name of a local repository from its resolved path: the parent folder and the folder. Taken from the
 * text, `./x.git` would have the owner "." and `../x.git` "..", which break branch names and say nothing.
 */
export function localOwnerAndName(absolute: string): { owner: string; name: string } {
  const parts = absolute.split('/').filter(Boolean);
  const name = cleanName(stripGit(parts[parts.length - 1] ?? '')) || 'repo';
  return { owner: cleanName(parts[parts.length - 2] ?? '') || 'local', name };
}

/**
 * A repository on a git host is named by the last two segments of its path and shown after the host
 * (`git.example.com/team/svc`). One at the top of its host (`https://git.example.com/tools.git`) has no owner in its
 * path: the host holds it, so the host is its owner and it is shown as `git.example.com/tools` — not under a made-up
 * owner that every such repository on every host would share in branch names, templates and the report.
 */
function hostedNames(host: string, repoPath: string): { owner: string; name: string; display: string } {
  const parts = pathSegments(repoPath);
  const name = cleanName(stripGit(parts[parts.length - 1] ?? '')) || 'repo';
  const owner = parts.length >= 2 ? cleanName(parts[parts.length - 2] as string) : '';
  if (owner) return { owner, name, display: `${host}/${owner}/${name}` };
  return { owner: cleanName(host) || 'host', name, display: `${host}/${name}` };
}

/** The host of a URL as the manifest spells it (its case, its Unicode), without user and port. */
function hostAsWritten(url: string): string {
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? '';
  return authority.replace(/^.*@/, '').replace(/:\d*$/, '');
}

/** A `file:` URL names a path on this machine: named as that path would be (its folder and the folder above). */
function fileNames(repoPath: string): { owner: string; name: string; display: string } {
  const { owner, name } = localOwnerAndName(pathSegments(repoPath).join('/'));
  return { owner, name, display: `${owner}/${name}` };
}

/** A URL's path comes percent-encoded (`gr%C3%B6%C3%9Fe`): the names are the decoded ones. */
function pathSegments(repoPath: string): string[] {
  return repoPath.split('/').filter(Boolean).map(decodeSegment);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function stripGit(name: string): string {
  return name.replace(/\.git$/, '');
}

/** Letters and digits of any script stay (`café-ünïcode` is not `caf-ncode`); file names are made safe by repoSlug. */
function cleanName(name: string): string {
  return name.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}_.-]/gu, '');
}

function describeChar(ch: string): string {
  if (/\s/.test(ch)) return 'whitespace';
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `a control character (0x${code.toString(16).padStart(2, '0')})`;
  return `the shell metacharacter "${ch}"`;
}
