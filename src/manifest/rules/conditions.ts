/** Step `if:` conditions must parse and read only variables that exist when the step is reached. */
import { ConditionSyntaxError, conditionVariables, outcomeComparisons, parseCondition, type ConditionNode } from '../condition.js';
import { closest } from '../suggest.js';
import { STEP_OUTCOMES, stepVariables, TEMPLATE_VARIABLES } from '../template.js';
import type { PathPart } from '../positions.js';
import type { JobManifest } from '../schema.js';
import type { Reporter, RuleInput } from './report.js';

type Steps = JobManifest['steps'];

export function checkConditions({ manifest: m, report }: RuleInput): void {
  checkStepList(m.steps, ['steps'], report);
  if (Array.isArray(m.candidates)) m.candidates.forEach((c, ci) => c.steps && checkStepList(c.steps, ['candidates', ci, 'steps'], report));
}

function checkStepList(steps: Steps, base: PathPart[], report: Reporter): void {
  const stepNames = steps.map((s, i) => s.name ?? `step-${i + 1}`);
  const repoAndRun = TEMPLATE_VARIABLES.filter((v) => v.fields.includes('step')).map((v) => v.name);
  steps.forEach((step, i) => {
    const condition = step.if;
    if (!condition) return;
    const path = [...base, i, 'if'];
    let parsed: ConditionNode;
    try {
      parsed = parseCondition(condition);
    } catch (err) {
      if (!(err instanceof ConditionSyntaxError)) throw err;
      report.error(path, err.message, { text: condition, offset: err.offset });
      return;
    }
    const variables = conditionVariables(parsed);
    const allowed = [...repoAndRun, ...stepNames.slice(0, i).flatMap(stepVariables)];
    const reported = new Set<string>();
    for (const { name: variable, offset } of variables) {
      if (allowed.includes(variable) || reported.has(variable)) continue;
      reported.add(variable);
      // Step names may contain dots (`build.js`): the name is what lies between `steps.` and the last part.
      const step = /^steps\.(.+)\.(stdout|outcome)$/.exec(variable);
      const later = step ? stepNames.indexOf(step[1] as string) : -1;
      const reason =
        later === i
          ? ': a step cannot test its own result'
          : later > i
            ? `: step "${step?.[1]}" runs after this one`
            : didYouMeanOr(variable, allowed);
      // At this use of the variable: its name may also occur earlier, inside another name or a quoted text.
      report.error(path, `unknown variable "${variable}"${reason}`, { text: condition, offset });
    }
    // An outcome is one of four words; a misspelt one would make the comparison silently never (or always) hold.
    for (const { value, offset } of outcomeComparisons(parsed)) {
      if ((STEP_OUTCOMES as readonly string[]).includes(value)) continue;
      const outcomes = `${STEP_OUTCOMES.slice(0, -1).map((o) => `'${o}'`).join(', ')} or '${STEP_OUTCOMES.at(-1)}'`;
      const hint = closest(value, STEP_OUTCOMES);
      report.error(path, `'${value}' is not a step outcome${hint ? `; did you mean '${hint}'?` : ''} (an outcome is ${outcomes})`, { text: condition, offset });
    }
  });
}

function didYouMeanOr(variable: string, allowed: readonly string[]): string {
  const suggestion = closest(variable, allowed);
  if (suggestion) return `; did you mean "${suggestion}"?`;
  return `; conditions can read ${allowed.filter((v) => !v.startsWith('steps.')).join(', ')} and steps.<earlier step>.outcome/stdout (quote text: 'value')`;
}
