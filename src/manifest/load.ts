/**
 * Loading a manifest: read → YAML parse (with positions) → schema → normalize → semantic rules. Returns every
 * problem at once; callers decide whether warnings matter. Nothing here touches the network or runs commands.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ManifestInvalid } from '../domain/errors.js';
import { withoutByteOrderMark } from '../util/byte-order-mark.js';
import { toPlainData } from './aliases.js';
import type { Diagnostic } from './diagnostics.js';
import { isEmptyTrailingDocument } from './empty-trailing-document.js';
import { keepEnvValuesAsWritten } from './env-source.js';
import type { Job } from './job.js';
import { normalizeJob } from './normalize.js';
import { overIndentedKeys } from './over-indented-key.js';
import { positionOf } from './positions.js';
import { checkRules } from './rules.js';
import { pruneInvalid } from './prune-invalid.js';
import { JobManifest } from './schema.js';
import { issuesToDiagnostics } from './zod-issues.js';

export interface LoadResult {
  /** The job, when the manifest is valid. */
  job?: Job;
  /**
   * With errors, the job as far as it could be read (what the schema accepted), when it could be: `validate`
   * resolves its repository list too, so problems found there are reported with the others.
   */
  partial?: Job;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** What the checks that depend on the machine may look at; without `env` they are skipped. */
export interface EnvironmentChecks {
  /** Host environment: every name in sandbox.secrets must be set in it. */
  env?: NodeJS.ProcessEnv;
  /** How an unset secret is reported. @default 'error' */
  missingSecrets?: 'error' | 'warning';
}

/** Loads and validates a manifest file. A missing or unreadable file is reported as a diagnostic at 1:1. */
export async function loadManifest(file: string, displayPath = file, checks: EnvironmentChecks = {}): Promise<LoadResult> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { errors: [{ file: displayPath, line: 1, col: 1, severity: 'error', message: reason }], warnings: [] };
  }
  return parseManifest(text, { file: absolute, displayPath, ...checks });
}

export interface ParseOptions extends EnvironmentChecks {
  /** Absolute path of the manifest; relative paths inside resolve from its directory. */
  file: string;
  /** How the file is named in diagnostics (what the user typed). */
  displayPath?: string;
}

export async function parseManifest(written: string, options: ParseOptions): Promise<LoadResult> {
  const text = withoutByteOrderMark(written);
  const display = options.displayPath ?? options.file;
  const lines = new LineCounter();
  // Merge keys (`<<: *defaults`) are YAML 1.1, but editors apply them before checking against the JSON Schema and
  // people reuse steps with them: without `merge`, validate would refuse `<<` as an unknown key the editor accepted.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  doc.errors = doc.errors.filter((e) => !(e.code === 'MULTIPLE_DOCS' && isEmptyTrailingDocument(text, e.pos[0])));

  if (doc.errors.length > 0) {
    const deeperKeys = overIndentedKeys(doc.errors, text);
    const errors = doc.errors.map((e): Diagnostic => {
      const deeperKey = e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY' ? deeperKeys.get(e.pos[0]) : undefined;
      if (deeperKey) {
        const pos = lines.linePos(deeperKey.offset);
        return { file: display, line: pos.line, col: pos.col, severity: 'error', message: deeperKey.message };
      }
      const unclosedQuote = e.code === 'MISSING_CHAR' && e.message.includes('quote') ? quoteStart(doc, e.pos[0]) : undefined;
      const pos = lines.linePos(unclosedQuote ?? e.pos[0]);
      const message = unclosedQuote === undefined ? yamlMessage(e.code, e.message, text, e.pos[0]) : `YAML syntax: the quoted text that starts here is not closed (${text[unclosedQuote]} missing)`;
      return { file: display, line: pos.line, col: pos.col, severity: 'error', message };
    });
    // One syntax error makes the parser stumble over the rest of its line; the first report per line is the useful one.
    return { errors: errors.filter((d, i) => errors.findIndex((other) => other.line === d.line) === i), warnings: [] };
  }

  keepEnvValuesAsWritten(doc);
  const data = toPlainData(doc, 100);
  if (!data.ok) {
    const pos = lines.linePos(data.offset);
    return { errors: [{ file: display, line: pos.line, col: pos.col, severity: 'error', message: data.message }], warnings: [] };
  }
  const input = data.value;
  if (input === null || input === undefined) {
    return { errors: [{ file: display, line: 1, col: 1, severity: 'error', message: 'the manifest is empty' }], warnings: [] };
  }
  const parsed = JobManifest.safeParse(input);
  const check = (data: z.output<typeof JobManifest>) => checkParsed(data, text, doc, lines, options);
  if (!parsed.success) {
    const errors = issuesToDiagnostics(parsed.error.issues, JobManifest, doc, lines, display, input);
    // The whole-job checks still run on what the schema accepted, so every problem is reported at once.
    const pruned = pruneInvalid(input, parsed.error.issues);
    const rest = pruned === undefined ? undefined : JobManifest.safeParse(pruned);
    if (!rest?.success) return { errors, warnings: [] };
    const more = await check(rest.data);
    const partial = more.job ?? more.partial;
    return { errors: byPosition([...errors, ...more.errors]), warnings: more.warnings, ...(partial && { partial }) };
  }
  return check(parsed.data);
}

/** Normalizes a manifest the schema accepted and runs the checks that need the whole job. */
async function checkParsed(
  data: z.output<typeof JobManifest>,
  text: string,
  doc: Document,
  lines: LineCounter,
  options: ParseOptions,
): Promise<LoadResult> {
  const display = options.displayPath ?? options.file;
  const job = normalizeJob(data, {
    file: options.file,
    displayPath: display,
    dir: path.dirname(options.file),
    hash: createHash('sha256').update(text).digest('hex'),
  });
  for (const entry of job.repos) entry.pos = positionOf(doc, lines, entry.path);
  const found = await checkRules(job, data, {
    doc,
    lines,
    file: display,
    source: text,
    ...(options.env && { env: options.env }),
    ...(options.missingSecrets && { missingSecrets: options.missingSecrets }),
  });
  const errors = found.filter((d) => d.severity === 'error');
  const warnings = found.filter((d) => d.severity === 'warning');
  return errors.length > 0 ? { partial: job, errors, warnings } : { job, errors, warnings };
}

function byPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Loads a manifest and throws ManifestInvalid (every error) when it is not valid. */
export async function loadJobOrThrow(
  file: string,
  displayPath = file,
  checks: EnvironmentChecks = {},
): Promise<{ job: Job; warnings: Diagnostic[] }> {
  const result = await loadManifest(file, displayPath, checks);
  if (!result.job) throw new ManifestInvalid(result.errors);
  return { job: result.job, warnings: result.warnings };
}

function yamlMessage(code: string, message: string, text: string, offset: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0].trim();
    return `duplicate key${key ? ` "${key}"` : ''}: a key may appear only once in a mapping`;
  }
  // The library's advice (parseAllDocuments) is for programmers; a manifest is one job.
  if (code === 'MULTIPLE_DOCS') return 'YAML syntax: a manifest holds one job; remove the `---` and write each further job in its own file';
  if (code === 'TAB_AS_INDENT') return 'YAML syntax: tabs cannot indent YAML; use spaces';
  if (code === 'BAD_INDENT' && message.startsWith('Flow sequence')) return 'YAML syntax: a [ list is not closed with ] before this line';
  if (code === 'BAD_INDENT' && message.startsWith('Flow map')) return 'YAML syntax: a { mapping is not closed with } before this line';
  if (code === 'MISSING_CHAR' && message.includes('quote')) return `YAML syntax: ${firstLine(message).toLowerCase()}: a quoted text is not closed`;
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && message.startsWith('Nested mappings')) {
    return 'YAML syntax: a value on one line cannot contain ": "; quote the whole value or write it as a block (run: |)';
  }
  return `YAML syntax: ${firstLine(message)}`;
}

/**
 * Where an unclosed quoted text opens. The parser reports it where the text ends (often the end of the file); the
 * quote that opened it is what to fix. The quoted scalar it composed ends exactly where the error is.
 */
function quoteStart(doc: Document, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === end) start = node.range[0];
    },
  });
  return start;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}
