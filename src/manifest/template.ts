/**
 * `{{ name.path }}` templating for branch names, commit messages, PR text and step commands. Deliberately tiny:
 * variables only, no logic, so that every variable can be checked when the manifest is validated.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

export interface TemplateReference {
  /** The variable as written, e.g. "repo.name". */
  variable: string;
  /** Offset of the `{{` in the template text. */
  index: number;
  /** True when the placeholder is not a plain dotted variable name. */
  malformed: boolean;
}

export function referencesIn(template: string): TemplateReference[] {
  const found: TemplateReference[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const variable = match[1] as string;
    found.push({ variable, index: match.index ?? 0, malformed: !VARIABLE.test(variable) });
  }
  return found;
}

export type TemplateValues = Readonly<Record<string, string | undefined>>;

/** Replaces every placeholder; a variable without a value renders as an empty string. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_all, variable: string) => values[variable.trim()] ?? '');
}

/** The variables every templated field may use, whatever the step context. */
export const BASE_VARIABLES = [
  'repo.owner',
  'repo.name',
  'repo.url',
  'repo.key',
  'repo.base',
  'job.name',
  'run.id',
  'change.branch',
] as const;

/** Variables that exist only once the steps have run (PR text, commit message). */
export const RESULT_VARIABLES = ['candidates.table', 'candidate.name', 'diff.files', 'diff.insertions', 'diff.deletions'] as const;
