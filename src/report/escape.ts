/**
 * Escaping for every output format. Repo names, error messages, logs and diffs come from outside and can contain
 * anything (markup, terminal escape sequences, bytes XML forbids); nothing reaches an output unescaped.
 */

/**
 * Terminal escape sequences (CSI, OSC) and C0/C1 control characters other than tab and newline. An OSC sequence
 * left unterminated ends at the line's end: the lines after it are text to show (often the real error).
 */
const TERMINAL_ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b\n]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Removes what would move a terminal's cursor, change its colours or its title; keeps text, tabs and newlines. */
export function stripControl(text: string): string {
  // Most text has no control characters: a test is much cheaper than a replace that copies the string.
  return HAS_CONTROL.test(text) ? text.replace(TERMINAL_ESCAPES, '') : text;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_HTML_ESCAPE = /[&<>"'\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Safe in HTML text and in quoted attribute values. Never adds or removes a newline (diffs are escaped whole). */
export function escapeHtml(text: string): string {
  if (!NEEDS_HTML_ESCAPE.test(text)) return text;
  return stripControl(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);
}

/** Characters XML 1.0 does not allow at all (even escaped): C0 controls but tab/LF/CR, lone surrogates, FFFE/FFFF. */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Safe in XML text and in double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return stripControl(text)
    .replace(XML_INVALID, '\ufffd')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : (HTML_ENTITIES[c] as string)));
}

/**
 * Plain text inside Markdown: nothing becomes emphasis, a link, a table column or HTML — nor, on GitHub, a
 * mention or an issue reference (`@team` notifies people, `#12` cross-references an issue): a zero-width space
 * after the `@` or `#` keeps the text as it reads.
 */
export function markdownText(text: string): string {
  return stripControl(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/@(?=[\w-])|#(?=\d)/g, (c) => `${c}\u200b`);
}

/** A fenced code block that the content cannot close early (the fence is longer than any backtick run inside). */
export function markdownFence(content: string, language = ''): string {
  const clean = stripControl(content).replace(/\n+$/, '');
  let longest = 0;
  for (const run of clean.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${clean}\n${fence}`;
}

/** Inline code that survives backticks inside the text; `inTable` also escapes the column separator. */
export function markdownCode(text: string, inTable = false): string {
  const clean = stripControl(text).replace(/\r?\n/g, ' ');
  let longest = 0;
  for (const run of clean.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${inTable ? clean.replace(/\|/g, '\\|') : clean}${pad}${ticks}`;
}

/** A URL usable as a Markdown link target or an HTML href: only http(s), never `javascript:`. */
export function safeUrl(url: string | null): string | null {
  if (!url) return null;
  return /^https?:\/\/[^\s<>"'`]+$/i.test(url) ? url : null;
}
