/**
 * Loading a manifest: read → YAML parse (with positions) → schema → normalize → semantic rules. Returns every
 * problem at once; callers decide whether warnings matter. Nothing here touches the network or runs commands.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ManifestInvalid } from '../domain/errors.js';
import type { Diagnostic } from './diagnostics.js';
import type { Job } from './job.js';
import { normalizeJob } from './normalize.js';
import { positionOf } from './positions.js';
import { checkRules } from './rules.js';
import { JobManifest } from './schema.js';
import { issuesToDiagnostics } from './zod-issues.js';

export interface LoadResult {
  job?: Job;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Loads and validates a manifest file. A missing or unreadable file is reported as a diagnostic at 1:1. */
export async function loadManifest(file: string, displayPath = file): Promise<LoadResult> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { errors: [{ file: displayPath, line: 1, col: 1, severity: 'error', message: reason }], warnings: [] };
  }
  return parseManifest(text, { file: absolute, displayPath });
}

export interface ParseOptions {
  /** Absolute path of the manifest; relative paths inside resolve from its directory. */
  file: string;
  /** How the file is named in diagnostics (what the user typed). */
  displayPath?: string;
}

export async function parseManifest(text: string, options: ParseOptions): Promise<LoadResult> {
  const display = options.displayPath ?? options.file;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });

  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e): Diagnostic => {
      const pos = lines.linePos(e.pos[0]);
      return { file: display, line: pos.line, col: pos.col, severity: 'error', message: `YAML syntax: ${firstLine(e.message)}` };
    });
    return { errors, warnings: [] };
  }

  const input: unknown = doc.toJS({ maxAliasCount: 100 });
  if (input === null || input === undefined) {
    return { errors: [{ file: display, line: 1, col: 1, severity: 'error', message: 'the manifest is empty' }], warnings: [] };
  }
  const parsed = JobManifest.safeParse(input);
  if (!parsed.success) {
    return { errors: issuesToDiagnostics(parsed.error.issues, JobManifest, doc, lines, display, input), warnings: [] };
  }

  const job = normalizeJob(parsed.data, {
    file: options.file,
    displayPath: display,
    dir: path.dirname(options.file),
    hash: createHash('sha256').update(text).digest('hex'),
  });
  for (const entry of job.repos) entry.pos = positionOf(doc, lines, entry.path);
  const found = await checkRules(job, parsed.data, { doc, lines, file: display });
  const errors = found.filter((d) => d.severity === 'error');
  const warnings = found.filter((d) => d.severity === 'warning');
  return errors.length > 0 ? { errors, warnings } : { job, errors, warnings };
}

/** Loads a manifest and throws ManifestInvalid (every error) when it is not valid. */
export async function loadJobOrThrow(file: string, displayPath = file): Promise<{ job: Job; warnings: Diagnostic[] }> {
  const result = await loadManifest(file, displayPath);
  if (!result.job) throw new ManifestInvalid(result.errors);
  return { job: result.job, warnings: result.warnings };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}
