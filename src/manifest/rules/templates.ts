/**
 * Every `{{ … }}` must name a variable that exists where the template is rendered: the branch is chosen before
 * any step runs, a step sees only earlier steps, and diff/branch values exist only for the commit and the PR.
 * A variable used where it would render empty is an error that says why, not a silent blank.
 */
import type { PathPart } from '../positions.js';
import type { JobManifest } from '../schema.js';
import { closest } from '../suggest.js';
import { referencesIn, stepVariables, TEMPLATE_VARIABLES, type TemplateField } from '../template.js';
import type { Reporter, RuleInput } from './report.js';

interface Scope {
  field: TemplateField;
  /** Index of the step being rendered (field "step"). */
  stepIndex?: number;
}

export function checkTemplates({ manifest: m, report }: RuleInput): void {
  const jobSteps = m.steps.map((s, i) => s.name ?? `step-${i + 1}`);
  // With candidates, the commit and PR are rendered with the shipped candidate's steps: any of them may be named.
  const candidateLists = Array.isArray(m.candidates) ? m.candidates.filter((c) => c.steps) : [];
  const allSteps = [...new Set([...jobSteps, ...candidateLists.flatMap((c) => (c.steps ?? []).map((s, i) => s.name ?? `step-${i + 1}`))])];
  const check = (text: string | undefined, path: PathPart[], scope: Scope, stepNames: readonly string[]) => {
    if (text) checkTemplate(text, path, scope, m, stepNames, report);
  };
  check(m.change.branch, ['change', 'branch'], { field: 'branch' }, allSteps);
  check(m.change.commit.message, ['change', 'commit', 'message'], { field: 'commit' }, allSteps);
  check(m.change.pr?.title, ['change', 'pr', 'title'], { field: 'pr' }, allSteps);
  check(m.change.pr?.body, ['change', 'pr', 'body'], { field: 'pr' }, allSteps);
  m.steps.forEach((step, i) => check(step.run, ['steps', i, 'run'], { field: 'step', stepIndex: i }, jobSteps));
  if (Array.isArray(m.candidates)) {
    m.candidates.forEach((c, ci) => {
      const names = (c.steps ?? []).map((s, i) => s.name ?? `step-${i + 1}`);
      (c.steps ?? []).forEach((step, i) => check(step.run, ['candidates', ci, 'steps', i, 'run'], { field: 'step', stepIndex: i }, names));
    });
  }
  (m.verify ?? []).forEach((v, i) =>
    typeof v === 'string'
      ? check(v, ['verify', i], { field: 'verify' }, allSteps)
      : check(v.run, ['verify', i, 'run'], { field: 'verify' }, allSteps),
  );
  if (m.score) check(m.score.run, ['score', 'run'], { field: 'verify' }, allSteps);
}

function checkTemplate(text: string, path: PathPart[], scope: Scope, m: JobManifest, stepNames: readonly string[], report: Reporter): void {
  const allowed = variablesFor(scope, m, stepNames);
  for (const ref of referencesIn(text)) {
    const at = { text: ref.raw };
    if (ref.unclosed) {
      report.error(path, `"{{" is never closed with "}}"; write \\{{ for a literal "{{"`, at);
      continue;
    }
    if (ref.malformed) {
      report.error(path, `"${ref.raw}" is not a variable: a placeholder holds one variable name, without filters or expressions`, at);
      continue;
    }
    if (allowed.includes(ref.variable)) continue;
    report.error(path, `unknown template variable "${ref.variable}"${explain(ref.variable, scope, m, stepNames, allowed)}`, at);
  }
}

/** The variables a template in `scope` can use. */
export function variablesFor(scope: Scope, m: JobManifest, stepNames: readonly string[]): string[] {
  const hasCandidates = m.candidates !== undefined;
  const fixed = TEMPLATE_VARIABLES.filter((v) => v.fields.includes(scope.field) && (!v.candidatesOnly || hasCandidates)).map((v) => v.name);
  if (scope.field === 'branch') return fixed;
  const visibleSteps = scope.field === 'step' ? stepNames.slice(0, scope.stepIndex ?? 0) : stepNames;
  return [...fixed, ...visibleSteps.flatMap(stepVariables)];
}

/** Why a variable is not available here, or a suggestion, or the general hint. */
function explain(variable: string, scope: Scope, m: JobManifest, stepNames: readonly string[], allowed: readonly string[]): string {
  const step = /^steps\.([^.]+)\.(stdout|outcome)$/.exec(variable);
  if (step && stepNames.includes(step[1] as string)) {
    if (scope.field === 'branch') return ': the branch is chosen before the steps run, so step output cannot be part of it';
    const index = stepNames.indexOf(step[1] as string);
    if (scope.stepIndex === index) return ': a step cannot read its own output';
    return `: step "${step[1]}" runs after this one`;
  }
  const known = TEMPLATE_VARIABLES.find((v) => v.name === variable);
  if (known?.candidatesOnly && m.candidates === undefined) return ' (it exists only in jobs with candidates)';
  if (known) {
    if (scope.field === 'branch' && variable === 'change.branch') return ': the branch cannot contain itself';
    if (scope.field === 'branch' && known.fields.includes('step')) {
      return ': it renders a URL or a path, with characters git refuses in a branch name ("/", ":", "//"); use {{ repo.owner }} and {{ repo.name }}';
    }
    return ': it exists only in the commit message and the PR text (after the diff is made)';
  }
  const suggestion = closest(variable, allowed);
  if (suggestion) return `; did you mean "${suggestion}"?`;
  if (/^(secrets|github|env|vars|inputs|matrix|needs|runner|steps)\./.test(variable)) {
    const steps = variable.startsWith('steps.') ? `; the steps are ${stepNames.map((s) => `"${s}"`).join(', ')}` : '';
    return `${steps}; for a literal "{{" (e.g. a GitHub Actions expression) write \\{{`;
  }
  return `; variables are ${TEMPLATE_VARIABLES.filter((v) => v.fields.includes(scope.field)).map((v) => v.name).join(', ')}${scope.field === 'branch' ? '' : ' and steps.<name>.stdout/outcome'}`;
}
