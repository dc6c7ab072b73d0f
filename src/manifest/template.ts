/**
 * `{{ name.path }}` templating for branch names, commit messages, PR text and step commands. Deliberately tiny:
 * variables only, no logic, so that every variable can be checked when the manifest is validated. `\{{` stands
 * for a literal `{{` (e.g. a GitHub Actions expression `$\{{ secrets.NPM_TOKEN }}` written into a workflow file).
 */
const OPEN_OR_ESCAPE = /\\\{\{|\{\{/g;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$/;

export interface TemplateReference {
  /** The variable as written (trimmed), e.g. "repo.name". */
  variable: string;
  /** The placeholder exactly as written, e.g. "{{ repo.name }}". */
  raw: string;
  /** Offset of the `{{` in the template text. */
  index: number;
  /** True when the placeholder is not a plain dotted variable name. */
  malformed: boolean;
  /** True when the `{{` is never closed. */
  unclosed: boolean;
}

export function referencesIn(template: string): TemplateReference[] {
  const found: TemplateReference[] = [];
  for (const token of scan(template)) if (token.kind !== 'text' && token.kind !== 'escape') found.push(token.ref);
  return found;
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'escape' }
  | { kind: 'placeholder' | 'broken'; ref: TemplateReference };

function* scan(template: string): Generator<Token> {
  let last = 0;
  OPEN_OR_ESCAPE.lastIndex = 0;
  for (let match = OPEN_OR_ESCAPE.exec(template); match; match = OPEN_OR_ESCAPE.exec(template)) {
    const index = match.index;
    if (index > last) yield { kind: 'text', text: template.slice(last, index) };
    if (match[0] === '\\{{') {
      yield { kind: 'escape' };
      last = index + 3;
      continue;
    }
    const close = template.indexOf('}}', index + 2);
    const nextOpen = template.indexOf('{{', index + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const raw = template.slice(index, lineEnd(template, index));
      yield { kind: 'broken', ref: { variable: raw.slice(2).trim(), raw, index, malformed: true, unclosed: true } };
      last = index + 2;
      OPEN_OR_ESCAPE.lastIndex = last;
      continue;
    }
    const raw = template.slice(index, close + 2);
    const variable = raw.slice(2, -2).trim();
    yield { kind: 'placeholder', ref: { variable, raw, index, malformed: !VARIABLE.test(variable), unclosed: false } };
    last = close + 2;
    OPEN_OR_ESCAPE.lastIndex = last;
  }
  if (last < template.length) yield { kind: 'text', text: template.slice(last) };
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

export type TemplateValues = Readonly<Record<string, string | undefined>>;

/** Replaces every placeholder and turns `\{{` into `{{`; a variable without a value renders as an empty string. */
export function renderTemplate(template: string, values: TemplateValues): string {
  let out = '';
  for (const token of scan(template)) {
    if (token.kind === 'text') out += token.text;
    else if (token.kind === 'escape') out += '{{';
    else if (token.kind === 'broken') out += '{{';
    else out += values[token.ref.variable] ?? '';
  }
  return out;
}

/** Where a template is used; each place has its own set of variables (what exists when it is rendered). */
export type TemplateField = 'branch' | 'step' | 'verify' | 'commit' | 'pr';

export interface TemplateVariable {
  name: string;
  description: string;
  fields: readonly TemplateField[];
  /** Only defined for jobs with `candidates`. */
  candidatesOnly?: boolean;
}

const EVERYWHERE: readonly TemplateField[] = ['branch', 'step', 'verify', 'commit', 'pr'];
/**
 * URLs and absolute paths hold "/", ":" and "//", which git refuses in a branch name. They are not allowed in the
 * branch rather than rewritten, so the branch a job pushes is always the text its template shows.
 */
const NOT_IN_BRANCH: readonly TemplateField[] = ['step', 'verify', 'commit', 'pr'];
const AFTER_COMMIT: readonly TemplateField[] = ['commit', 'pr'];

/** Every variable except the per-step ones (`steps.<name>.stdout`, `steps.<name>.outcome`), documented in README. */
export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'repo.owner', description: 'Owner or organisation (for local paths, the parent folder; for a git URL with one path segment, the host).', fields: EVERYWHERE },
  { name: 'repo.name', description: 'Repository name without .git.', fields: EVERYWHERE },
  { name: 'repo.url', description: 'What is cloned: the URL or absolute path (never with credentials).', fields: NOT_IN_BRANCH },
  { name: 'repo.key', description: 'The repository identity: owner/name for GitHub, else URL or path.', fields: NOT_IN_BRANCH },
  { name: 'repo.base', description: 'The base branch the change starts from.', fields: EVERYWHERE },
  { name: 'job.name', description: 'The job name.', fields: EVERYWHERE },
  { name: 'run.id', description: 'The run id (a new run gets a new id; a resumed run keeps it).', fields: EVERYWHERE },
  { name: 'change.branch', description: 'The rendered branch name.', fields: AFTER_COMMIT },
  { name: 'diff.files', description: 'Number of files the change touches.', fields: AFTER_COMMIT },
  { name: 'diff.insertions', description: 'Lines added.', fields: AFTER_COMMIT },
  { name: 'diff.deletions', description: 'Lines removed.', fields: AFTER_COMMIT },
  { name: 'candidate.name', description: 'The shipped candidate (jobs with candidates).', fields: AFTER_COMMIT, candidatesOnly: true },
  { name: 'candidates.table', description: 'A Markdown table of all candidates (jobs with candidates).', fields: AFTER_COMMIT, candidatesOnly: true },
];

export const STEP_VARIABLE_SUFFIXES = ['stdout', 'outcome'] as const;

/** Every value `steps.<name>.outcome` can have. */
export const STEP_OUTCOMES = ['success', 'failure', 'skipped', 'timeout'] as const;

/** The variables of one step: its trimmed standard output and its outcome (success, failure, skipped, timeout). */
export function stepVariables(stepName: string): string[] {
  return STEP_VARIABLE_SUFFIXES.map((suffix) => `steps.${stepName}.${suffix}`);
}
