/**
 * Semantic checks that a schema cannot express: names that must be unique, templates that must resolve, paths
 * that must stay inside the job directory, options that contradict each other. One function per rule.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import type { Job } from './job.js';
import { positionOf, type PathPart } from './positions.js';
import { parseRepoString } from './repo-string.js';
import type { JobManifest } from './schema.js';
import { closest } from './suggest.js';
import { ConditionSyntaxError, conditionVariables, parseCondition } from './condition.js';
import { BASE_VARIABLES, RESULT_VARIABLES, referencesIn } from './template.js';

export interface RuleContext {
  doc: Document;
  lines: LineCounter;
  file: string;
}

type Report = (path: readonly PathPart[], message: string, severity?: Diagnostic['severity']) => void;

export async function checkRules(job: Job, manifest: JobManifest, ctx: RuleContext): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const report: Report = (p, message, severity = 'error') => {
    found.push({ file: ctx.file, ...positionOf(ctx.doc, ctx.lines, p), severity, message });
  };
  uniqueStepNames(manifest, report);
  repoStrings(manifest, report);
  templates(manifest, report);
  conditions(manifest, report);
  await stepFiles(job, manifest, report);
  conflicts(manifest, report);
  return found.sort((a, b) => a.line - b.line || a.col - b.col);
}

function uniqueStepNames(m: JobManifest, report: Report): void {
  const seen = new Map<string, number>();
  m.steps.forEach((step, i) => {
    if (!step.name) return;
    const first = seen.get(step.name);
    if (first !== undefined) report(['steps', i, 'name'], `duplicate step name "${step.name}" (first used by steps[${first}])`);
    else seen.set(step.name, i);
  });
}

function repoStrings(m: JobManifest, report: Report): void {
  m.repos.forEach((entry, i) => {
    const value = typeof entry === 'string' ? entry : 'repo' in entry ? entry.repo : undefined;
    if (value === undefined) return;
    const where = typeof entry === 'string' ? ['repos', i] : ['repos', i, 'repo'];
    const parsed = parseRepoString(value);
    if (!parsed.ok) report(where, `repos[${i}]: ${parsed.error}`);
  });
}

function templates(m: JobManifest, report: Report): void {
  const stepNames = m.steps.map((s, i) => s.name ?? `step-${i + 1}`);
  const all = [...BASE_VARIABLES, ...RESULT_VARIABLES, ...stepNames.flatMap(stepVariables)];
  const check = (text: string | undefined, where: PathPart[], allowed: readonly string[]) => {
    if (!text) return;
    for (const ref of referencesIn(text)) {
      if (ref.malformed) {
        report(where, `template "{{ ${ref.variable} }}" is not a variable name`);
        continue;
      }
      if (allowed.includes(ref.variable)) continue;
      const known = ref.variable.startsWith('steps.') && all.includes(ref.variable);
      const suggestion = closest(ref.variable, allowed);
      const reason = known ? ' (that step has not run yet at this point)' : suggestion ? `; did you mean "${suggestion}"?` : '';
      report(where, `unknown template variable "${ref.variable}"${reason}`);
    }
  };
  const everything = [...BASE_VARIABLES, ...RESULT_VARIABLES, ...stepNames.flatMap(stepVariables)];
  check(m.change.branch, ['change', 'branch'], [...BASE_VARIABLES, ...stepNames.flatMap(stepVariables)].filter((v) => v !== 'change.branch'));
  check(m.change.commit.message, ['change', 'commit', 'message'], everything);
  check(m.change.pr?.title, ['change', 'pr', 'title'], everything);
  check(m.change.pr?.body, ['change', 'pr', 'body'], everything);
  m.steps.forEach((step, i) => {
    const earlier = stepNames.slice(0, i).flatMap(stepVariables);
    check(step.run, ['steps', i, 'run'], [...BASE_VARIABLES, ...earlier]);
  });
  (m.verify ?? []).forEach((v, i) => {
    check(typeof v === 'string' ? v : v.run, typeof v === 'string' ? ['verify', i] : ['verify', i, 'run'], [
      ...BASE_VARIABLES,
      ...stepNames.flatMap(stepVariables),
    ]);
  });
}

function conditions(m: JobManifest, report: Report): void {
  const stepNames = m.steps.map((s, i) => s.name ?? `step-${i + 1}`);
  m.steps.forEach((step, i) => {
    if (!step.if) return;
    const where = ['steps', i, 'if'];
    let variables: string[];
    try {
      variables = conditionVariables(parseCondition(step.if));
    } catch (err) {
      if (err instanceof ConditionSyntaxError) {
        report(where, `if: ${err.message} (at character ${err.offset + 1} of the condition)`);
        return;
      }
      throw err;
    }
    const allowed = [...BASE_VARIABLES, ...stepNames.slice(0, i).flatMap(stepVariables)];
    for (const variable of variables) {
      if (allowed.includes(variable)) continue;
      const suggestion = closest(variable, allowed);
      report(where, `if: unknown variable "${variable}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    }
  });
}

function stepVariables(name: string): string[] {
  return [`steps.${name}.stdout`, `steps.${name}.outcome`];
}

async function stepFiles(job: Job, m: JobManifest, report: Report): Promise<void> {
  for (const [i, step] of m.steps.entries()) {
    for (const [j, file] of (step.files ?? []).entries()) {
      const where = ['steps', i, 'files', j];
      if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
        report(where, `files: "${file}" must be a path inside the manifest's directory (no absolute paths, no "..")`);
        continue;
      }
      const info = await stat(path.join(job.dir, file)).catch(() => null);
      if (!info) report(where, `files: "${file}" does not exist next to the manifest`);
    }
  }
}

function conflicts(m: JobManifest, report: Report): void {
  const c = m.change;
  if (c.publish === 'draft' && c.pr?.draft === false) {
    report(['change', 'pr', 'draft'], 'conflicting options: publish: draft but pr.draft: false');
  }
  if (c.publish === true && c.pr === undefined) {
    report(['change', 'publish'], 'publish: true needs a change.pr section (title at least)');
  }
  if (c.publish === false && c.pr !== undefined) {
    report(['change', 'pr'], 'publish: false means no pull request is opened; this pr section is ignored', 'warning');
  }
  if (m.sandbox?.provider === 'host' && Array.isArray(m.sandbox.network)) {
    report(['sandbox', 'network'], 'conflicting options: provider: host runs without isolation, so a network allow-list cannot be enforced');
  }
  if (m.sandbox?.template !== undefined && m.sandbox.provider !== 'e2b') {
    report(['sandbox', 'template'], 'template is only used by provider: e2b', 'warning');
  }
  if (m.select === 'score' && !m.score) report(['select'], 'select: score needs a score.run command');
  if (m.score && m.select !== 'score') report(['score'], 'score is only used with select: score');
}
