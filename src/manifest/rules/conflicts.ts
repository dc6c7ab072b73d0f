/**
 * Options that contradict each other (an error: one of them would be silently ignored in a way that changes what
 * happens) or that have no effect with the rest of the job (a warning).
 */
import { branchNameProblem } from '../git-ref.js';
import { referencesIn, renderTemplate } from '../template.js';
import type { RuleInput } from './report.js';

export function checkConflicts({ manifest: m, report }: RuleInput): void {
  const c = m.change;
  const opensPrs = c.publish !== false && c.pr !== undefined;

  // The placeholders allowed here render names (job, owner, repository, base branch, run id; repo.url and repo.key are
  // refused by the template rule), so `x` stands in for each to check the literal parts. The job's name is known
  // now and is the same in every repository, so it is checked as it is: `my..job` fails every repository at commit
  // time otherwise. Broken templates are reported by the template rule.
  const refs = referencesIn(c.branch);
  if (!refs.some((r) => r.malformed)) {
    const stand = Object.fromEntries(refs.map((r) => [r.variable, 'x']));
    const literal = branchNameProblem(renderTemplate(c.branch, stand));
    const rendered = renderTemplate(c.branch, { ...stand, 'job.name': m.name });
    const named = literal ? undefined : branchNameProblem(rendered);
    if (literal) report.error(['change', 'branch'], literal);
    else if (named) report.error(['change', 'branch'], `with the job name "${m.name}" the branch is "${rendered}": ${named}; rename the job`);
  }

  if (c.publish === 'draft' && c.pr?.draft === false) {
    report.error(['change', 'pr', 'draft'], 'publish: draft opens draft PRs, but pr.draft is false; remove one of them');
  }
  if ((c.publish === true || c.publish === 'draft') && c.pr === undefined) {
    report.error(['change', 'publish'], `${c.publish === true ? 'true' : '"draft"'} needs a change.pr section (a title at least)`);
  }
  if (c.publish === false && c.pr !== undefined) {
    report.warning(['change', 'pr'], 'publish: false only pushes the branch; this pr section is not used');
  }
  if (!opensPrs && c['close-stale'] === true) {
    report.warning(['change', 'close-stale'], 'close-stale closes pull requests, but this job opens none');
  }
  if (!opensPrs && c['on-existing'] === 'recreate') {
    report.warning(['change', 'on-existing'], 'recreate closes and reopens pull requests, but this job opens none');
  }
  if (!opensPrs && m.limits?.['pr-rate'] !== undefined) {
    report.warning(['limits', 'pr-rate'], 'pr-rate paces pull requests, but this job opens none');
  }

  const s = m.sandbox;
  if (s?.provider === 'host' && s.network !== undefined && s.network !== true) {
    report.error(
      ['sandbox', 'network'],
      `provider: host runs steps without isolation and cannot ${s.network === false ? 'block the network' : 'enforce a network allow-list'}; use provider: local or remove network`,
    );
  }
  if (s?.template !== undefined && s.provider !== 'e2b') report.warning(['sandbox', 'template'], 'template is only used by provider: e2b');
  // expected-duration (the time of one sandbox) also feeds plan's best-of-N estimate with any provider.
  const e2bOnly = s?.e2b === undefined ? [] : Object.keys(s.e2b).filter((key) => key !== 'expected-duration');
  if (e2bOnly.length > 0 && s?.provider !== 'e2b') report.warning(['sandbox', 'e2b'], 'these settings are only used by provider: e2b');

  if (m.select === 'score' && !m.score) report.error(['select'], '"score" needs a score section with a run command');
  if (m.score && m.select !== 'score') report.error(['score'], 'score is only used with select: score; add select: score or remove it');
  if (m.select !== undefined && m.candidates === undefined) report.warning(['select'], 'select only matters with candidates');
}
