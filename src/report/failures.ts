/**
 * Failure grouping: an error is reduced to a signature (numbers, paths, URLs, hashes and quoted values stripped)
 * so that "the same failure in 40 repos" reads as one line, and each repo gets a short excerpt of what its failing
 * command printed.
 */
import type { StepResultRecord } from '../store/types.js';
import { errorHeadline } from './error-headline.js';
import { stripControl } from './escape.js';
import type { FailureGroup, RepoEntry, SkipGroup } from './model.js';

const SIGNATURE_MAX = 200;
/** Each candidate's part of a best-of-N signature, so every candidate's cause is in it, not only the first's. */
const CANDIDATE_PART_MAX = 120;

/** A step or verify failure keeps the command's name: "step build failed" and "step lint failed" differ. */
const NAMED_COMMAND = /^(step|verify) "([^"]*)" /;
/** A command's name anywhere in a message (a best-of-N error quotes each candidate's failing command). */
const COMMAND_NAMES = /((?:step|verify) "[^"\n]*")/;
/**
 * Best of N: "no candidate passed verify (NAME: why; NAME: why)". `verify "candidates" …` is how journals before
 * NoCandidatePassed worded it. Candidate names are manifest names (lower-case letters, digits, ".", "_", "-").
 */
const CANDIDATE_LIST = /^(no candidate passed verify|no candidate succeeded|verify "candidates" did not finish: no candidate passed) \((.*)\)$/;
const CANDIDATE_SEPARATOR = /; (?=[a-z0-9._-]+: )/;

/** Strips what varies between repos so equal failures group together. */
export function errorSignature(message: string): string {
  // A tool that colours its errors (`\u001b[31mFAIL\u001b[0m`) fails the same way as one that does not; the codes'
  // digits and letters would otherwise become values and ids in the signature.
  const firstLine = (stripControl(message).split('\n').find((l) => l.trim() !== '') ?? '').trim();
  const list = CANDIDATE_LIST.exec(firstLine);
  if (list) {
    const parts = (list[2] as string).split(CANDIDATE_SEPARATOR).map((part) => cut(normalize(part), CANDIDATE_PART_MAX));
    return `${list[1]} (${parts.join('; ')})`;
  }
  return cut(normalize(firstLine), SIGNATURE_MAX);
}

/** Normalizes the text around command names, which are kept as they are. */
function normalize(text: string): string {
  return text
    .split(COMMAND_NAMES)
    .map((part, i) => (i % 2 === 1 ? part : normalizeValues(part)))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalizeValues(text: string): string {
  return text
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '<email>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    // Addresses (a Go panic's pc=0x4a2b3c) and colon-joined hex ids (GitHub's request ids) differ in every repo.
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f:]*[a-f])[0-9a-f]+(?::[0-9a-f]+){2,}\b/gi, '<id>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b/gi, '<hash>')
    .replace(/(?:[\w.@+~-]+)?(?:\/[\w.@+~-]+)+\/?/g, '<path>')
    .replace(/"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g, '<value>')
    // Long tokens mixing letters and digits (sandbox and request ids) differ in every repo; short ones (TS2304,
    // utf8) are words.
    .replace(/\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{8,}\b/gi, '<id>')
    .replace(/\d+(?:[.:,]\d+)*/g, '<n>');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const EXCERPT_LINES = 12;
const EXCERPT_LINE_CHARS = 300;
const EXCERPT_CHARS = 1_500;

/**
 * The last lines of the failing command's output (stderr, or stdout when stderr is empty) from the repository's
 * latest attempt — of the command its error names, or any when every candidate failed; the error message when no
 * command failed (git, code host, sandbox errors). An earlier attempt's failure is never shown for a later one's.
 */
export function failureExcerpt(results: readonly StepResultRecord[] | undefined, errorMessage: string | null, attempt: number): string | null {
  const failing = failingCommand(results ?? [], errorMessage, attempt);
  if (failing) {
    const output = failing.stderr.trim() || failing.stdout.trim();
    const head = `${failing.kind} ${failing.name}: ${failing.outcome === 'timeout' ? 'timed out' : `exit ${failing.exitCode ?? '?'}`}`;
    return output ? `${head}\n${tail(output)}` : head;
  }
  return errorMessage ? tail(errorMessage.trim()) : null;
}

/**
 * Best of N: the errors that say every candidate failed (their commands' names are in the results, not the error);
 * `verify "candidates"` is how journals before NoCandidatePassed worded it.
 */
const EVERY_CANDIDATE_FAILED = /^(?:no candidate passed|verify "candidates" |no candidate succeeded)/;

function failingCommand(results: readonly StepResultRecord[], errorMessage: string | null, attempt: number): StepResultRecord | undefined {
  const named = errorMessage === null ? null : NAMED_COMMAND.exec(errorMessage);
  const anyCommand = errorMessage === null || EVERY_CANDIDATE_FAILED.test(errorMessage);
  if (!named && !anyCommand) return undefined;
  let found: StepResultRecord | undefined;
  for (const r of results) {
    if (r.attempt !== attempt || (r.outcome !== 'failure' && r.outcome !== 'timeout')) continue;
    if (named && !anyCommand && (r.kind !== named[1] || r.name !== named[2])) continue;
    if (!found || r.at >= found.at) found = r;
  }
  return found;
}

function tail(text: string): string {
  const lines = text.split('\n').slice(-EXCERPT_LINES).map((l) => (l.length > EXCERPT_LINE_CHARS ? `${l.slice(0, EXCERPT_LINE_CHARS - 1)}…` : l));
  const joined = lines.join('\n');
  return joined.length > EXCERPT_CHARS ? `…${joined.slice(-(EXCERPT_CHARS - 1))}` : joined;
}

/** Groups failed, verify-failed and edited-by-human repos by outcome and signature; largest group first. */
export function groupFailures(repos: readonly RepoEntry[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const repo of repos) {
    if (repo.signature === null || repo.outcome === null) continue;
    const key = `${repo.outcome}\u0000${repo.signature}`;
    let group = groups.get(key);
    if (!group) {
      const example = errorHeadline(repo.errorMessage ?? repo.outcome);
      group = { signature: repo.signature, outcome: repo.outcome, example, excerpt: repo.excerpt, repos: [], transient: 0, permanent: 0 };
      groups.set(key, group);
    }
    group.repos.push(repo);
    if (repo.errorClass === 'transient') group.transient += 1;
    else group.permanent += 1;
  }
  return [...groups.values()].sort(
    (a, b) => b.repos.length - a.repos.length || compareText(a.outcome, b.outcome) || compareText(a.signature, b.signature),
  );
}

/**
 * Skipped repos grouped by their (normalized) reason; largest group first. A group's reasons can differ in what the
 * normalization strips (a declined PR's number and day, a repository's name): the group's reason keeps what they
 * share and each repo gets what is its own, instead of the first repo's reason standing for all.
 */
export function groupSkips(repos: readonly RepoEntry[]): SkipGroup[] {
  const groups = new Map<string, { reasons: string[]; repos: RepoEntry[] }>();
  for (const repo of repos) {
    if (repo.outcome !== 'skipped') continue;
    const reason = repo.skipReason?.trim() || 'no reason recorded';
    const key = errorSignature(reason);
    const group = groups.get(key) ?? { reasons: [], repos: [] };
    group.reasons.push(reason);
    group.repos.push(repo);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([signature, g]) => ({ ...sharedReason(g.reasons, signature, g.repos), repos: g.repos }))
    .sort((a, b) => b.repos.length - a.repos.length || compareText(a.reason, b.reason));
}

const DETAIL_PUNCTUATION = /^[([{"'`]+|[)\]}"'`;:,.]+$/g;

/** What a group's reasons share word by word ("…" where they differ), and each one's differing words. */
function sharedReason(reasons: readonly string[], signature: string, repos: readonly RepoEntry[]): Omit<SkipGroup, 'repos'> {
  const first = reasons[0] as string;
  if (reasons.every((r) => r === first)) return { reason: first, details: reasons.map(() => null) };
  const words = reasons.map((r) => r.split(/\s+/));
  const length = (words[0] as string[]).length;
  // Words shift when a stripped value had spaces in it: the signature is what they share then.
  if (words.some((w) => w.length !== length)) return { reason: signature, details: reasons.map(() => null) };
  const same = Array.from({ length }, (_, i) => words.every((w) => w[i] === (words[0] as string[])[i]));
  const shared: string[] = [];
  for (let i = 0; i < length; i += 1) {
    const column = words.map((w) => w[i] as string);
    if (same[i]) shared.push(column[0] as string);
    else {
      // The punctuation around the differing part stays: "(…);", "#…".
      const open = commonAffix(column.map((w) => /^[^\p{L}\p{N}]*/u.exec(w)?.[0] ?? ''), false);
      const close = commonAffix(column.map((w) => /[^\p{L}\p{N}]*$/u.exec(w)?.[0] ?? ''), true);
      const part = `${open}…${close}`;
      if (part !== '…' || shared.at(-1) !== '…') shared.push(part);
    }
  }
  const details = words.map((w, n) => {
    const own = w
      .filter((_, i) => !same[i])
      .map((word) => word.replace(DETAIL_PUNCTUATION, ''))
      .filter((word) => word !== '');
    const repo = repos[n] as RepoEntry;
    // "repository acme/x is archived": the differing word is the repo's own name, which the list shows already.
    const mentioned = own.filter((word) => word !== repo.display && word !== repo.key);
    return mentioned.length > 0 ? mentioned.join(', ') : null;
  });
  return { reason: shared.join(' '), details };
}

/** A skip group's repo with what its own reason says where the group's says "…": "acme/x (#12, 2026-11-20)". */
export function withDetail(name: string, detail: string | null | undefined, escape: (text: string) => string): string {
  return detail ? `${name} (${escape(detail)})` : name;
}

function commonAffix(texts: readonly string[], suffix: boolean): string {
  let common = texts[0] as string;
  for (const text of texts) {
    while (!(suffix ? text.endsWith(common) : text.startsWith(common))) common = suffix ? common.slice(1) : common.slice(0, -1);
  }
  return common;
}

/** Locale-independent ordering, so the report is byte-for-byte the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
