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
  const jobSteps = stepNamesOf(m.steps);
  // With named candidates, verify and score run in every candidate's sandbox and the commit and PR are rendered with
  // the shipped candidate's steps: a step may be named there only when every candidate has it, or it renders empty.
  const candidates = candidateStepLists(m);
  const allSteps = Array.isArray(m.candidates)
    ? candidates.reduce<string[]>((shared, c, i) => (i === 0 ? c.steps : shared.filter((name) => c.steps.includes(name))), [])
    : jobSteps;
  const check = (text: string | undefined, path: PathPart[], scope: Scope, stepNames: readonly string[]) => {
    if (text) checkTemplate(text, path, scope, m, stepNames, report);
  };
  // The branch can name no step; every step name is passed so the message says why rather than "did you mean".
  const anySteps = [...new Set([...jobSteps, ...candidates.flatMap((c) => c.steps)])];
  check(m.change.branch, ['change', 'branch'], { field: 'branch' }, anySteps);
  check(m.change.commit.message, ['change', 'commit', 'message'], { field: 'commit' }, allSteps);
  check(m.change.pr?.title, ['change', 'pr', 'title'], { field: 'pr' }, allSteps);
  check(m.change.pr?.body, ['change', 'pr', 'body'], { field: 'pr' }, allSteps);
  m.steps.forEach((step, i) => check(step.run, ['steps', i, 'run'], { field: 'step', stepIndex: i }, jobSteps));
  if (Array.isArray(m.candidates)) {
    m.candidates.forEach((c, ci) => {
      const names = stepNamesOf(c.steps ?? []);
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

function stepNamesOf(steps: JobManifest['steps']): string[] {
  return steps.map((s, i) => s.name ?? `step-${i + 1}`);
}

/** The step names each named candidate runs: its own steps, or the job's when it has none. */
function candidateStepLists(m: JobManifest): { name: string; own: boolean; steps: string[] }[] {
  if (!Array.isArray(m.candidates)) return [];
  return m.candidates.map((c) => ({ name: c.name, own: c.steps !== undefined, steps: stepNamesOf(c.steps ?? m.steps) }));
}

/** `: candidate "b" (the job's steps) has no step "x"…` when some candidates have the step and others do not. */
function lackingCandidates(m: JobManifest, step: string): string | undefined {
  const lists = candidateStepLists(m);
  const lacking = lists.filter((c) => !c.steps.includes(step));
  if (lacking.length === 0 || lacking.length === lists.length) return undefined;
  const names = lacking.map((c) => `"${c.name}"${c.own ? '' : " (the job's steps)"}`);
  const who = names.length === 1 ? `candidate ${names[0]} has` : `candidates ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} have`;
  return `: ${who} no step "${step}", so it would render empty there; name a step every candidate has`;
}

function checkTemplate(text: string, path: PathPart[], scope: Scope, m: JobManifest, stepNames: readonly string[], report: Reporter): void {
  const allowed = variablesFor(scope, m, stepNames);
  // A placeholder written twice is reported at each place it is written, not twice at the first.
  const seen = new Map<string, number>();
  for (const ref of referencesIn(text)) {
    const occurrence = seen.get(ref.raw) ?? 0;
    seen.set(ref.raw, occurrence + 1);
    const at = { text: ref.raw, occurrence };
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
  const lacking = step && scope.field !== 'branch' && scope.field !== 'step' ? lackingCandidates(m, step[1] as string) : undefined;
  if (lacking) return lacking;
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
