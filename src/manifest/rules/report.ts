/** How rules report problems: at a path in the manifest (optionally at a piece of text inside the value). */
import type { Document, LineCounter } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { Job } from '../job.js';
import { pathLabel, positionOf, positionOfText, type PathPart } from '../positions.js';
import type { JobManifest } from '../schema.js';

export interface RuleContext {
  doc: Document;
  lines: LineCounter;
  /** The manifest as the user named it, for diagnostics. */
  file: string;
  /** The manifest text, to point inside values (a placeholder in a long command). */
  source: string;
  /** Host environment for the checks that depend on it (secrets); without it those checks are skipped. */
  env?: NodeJS.ProcessEnv;
  /** How a secret that is not set in `env` is reported. @default 'error' */
  missingSecrets?: 'error' | 'warning';
}

/** Where inside the value to point: the first (or the `occurrence`-th, from 0) occurrence of `text`, moved on by `offset` characters. */
export interface TextAnchor {
  text: string;
  offset?: number;
  occurrence?: number;
}

export interface Reporter {
  error(path: readonly PathPart[], message: string, anchor?: TextAnchor): void;
  warning(path: readonly PathPart[], message: string, anchor?: TextAnchor): void;
  report(severity: Diagnostic['severity'], path: readonly PathPart[], message: string, anchor?: TextAnchor): void;
}

export interface RuleInput {
  job: Job;
  manifest: JobManifest;
  ctx: RuleContext;
  report: Reporter;
}

export function createReporter(ctx: RuleContext, sink: Diagnostic[]): Reporter {
  const report = (severity: Diagnostic['severity'], path: readonly PathPart[], message: string, anchor?: TextAnchor) => {
    const pos = anchor
      ? positionOfText(ctx.doc, ctx.lines, ctx.source, path, anchor.text, anchor.offset ?? 0, anchor.occurrence ?? 0)
      : positionOf(ctx.doc, ctx.lines, path);
    const label = pathLabel(path) || 'manifest';
    sink.push({ file: ctx.file, ...pos, severity, message: `${label}: ${message}` });
  };
  return {
    report,
    error: (path, message, anchor) => report('error', path, message, anchor),
    warning: (path, message, anchor) => report('warning', path, message, anchor),
  };
}
