/**
 * Environment values and the PR's labels, reviewers and assignees are used as written: a `{{ repo.name }}` there
 * stays those characters (a step gets the text "{{ repo.name }}", GitHub a label of it), with nothing to say so. A
 * placeholder naming a fleetmod variable was surely meant to be filled in, so it gets a warning with what to write
 * instead; other `{{ … }}` (a Go or Helm template handed to a tool) are left alone.
 */
import type { PathPart } from '../positions.js';
import { referencesIn, TEMPLATE_VARIABLES } from '../template.js';
import type { RuleInput } from './report.js';

/** The environment variable every command already gets for a template variable. */
const ENVIRONMENT_FOR: Readonly<Record<string, string>> = {
  'job.name': 'FLEETMOD_JOB',
  'run.id': 'FLEETMOD_RUN_ID',
  'repo.key': 'FLEETMOD_REPO',
  'repo.owner': 'FLEETMOD_REPO_OWNER',
  'repo.name': 'FLEETMOD_REPO_NAME',
  'repo.base': 'FLEETMOD_BASE_BRANCH',
};

export function checkLiteralFields({ manifest: m, report }: RuleInput): void {
  const envMaps: { path: PathPart[]; env: Record<string, string> | undefined }[] = [
    { path: ['sandbox', 'env'], env: m.sandbox?.env },
    ...m.steps.map((s, i) => ({ path: ['steps', i, 'env'], env: s.env })),
    ...(m.verify ?? []).map((v, i) => ({ path: ['verify', i, 'env'], env: typeof v === 'string' ? undefined : v.env })),
    ...m.repos.map((r, i) => ({ path: ['repos', i, 'env'], env: typeof r === 'object' && 'repo' in r ? r.env : undefined })),
    ...(Array.isArray(m.candidates)
      ? m.candidates.flatMap((c, i) => [
          { path: ['candidates', i, 'env'], env: c.env },
          ...(c.steps ?? []).map((s, j) => ({ path: ['candidates', i, 'steps', j, 'env'], env: s.env })),
        ])
      : []),
  ];
  for (const { path, env } of envMaps) {
    for (const [name, value] of Object.entries(env ?? {})) {
      for (const variable of fleetmodVariablesIn(value)) {
        const instead = ENVIRONMENT_FOR[variable.name];
        const inCommands = variable.name.startsWith('steps.') || TEMPLATE_VARIABLES.some((v) => v.name === variable.name && v.fields.includes('step'));
        const hint = instead ? `; commands already get it as $${instead}` : inCommands ? '; write the placeholder in the command (run) instead' : '';
        report.warning([...path, name], `environment values are used as written, so "${variable.raw}" is not filled in${hint}`, { text: variable.raw });
      }
    }
  }
  const pr = m.change.pr;
  for (const key of ['labels', 'reviewers', 'team-reviewers', 'assignees'] as const) {
    (pr?.[key] ?? []).forEach((value, i) => {
      for (const variable of fleetmodVariablesIn(value)) {
        report.warning(['change', 'pr', key, i], `${key} are used as written, so "${variable.raw}" is not filled in`, { text: variable.raw });
      }
    });
  }
}

/** The placeholders in `text` that name a fleetmod template variable. */
function fleetmodVariablesIn(text: string): { name: string; raw: string }[] {
  return referencesIn(text)
    .filter((ref) => !ref.malformed && (TEMPLATE_VARIABLES.some((v) => v.name === ref.variable) || /^steps\..+\.(stdout|outcome)$/.test(ref.variable)))
    .map((ref) => ({ name: ref.variable, raw: ref.raw }));
}
