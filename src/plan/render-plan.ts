/**
 * The plan as text for people. Each section is a function of the Plan returning lines (none when it has nothing
 * to say); a new estimate adds its section to PLAN_SECTIONS. Long lists are cut (what was left out is then counted
 * by reason); `plan --json` has everything.
 */
import type { Outcome } from '../domain/outcome.js';
import { renderCostEstimate } from '../sandbox/e2b/cost.js';
import { formatTime, plural } from '../report/format.js';
import { formatDuration } from '../util/units.js';
import type { EarlierPrNow } from './earlier-pull-requests.js';
import type { Plan, PlannedRepo } from './plan.js';
import type { PrBound } from './pr-estimate.js';

export type PlanSection = (plan: Plan) => string[];

/** At most this many repositories are listed per group in text. */
export const LIST_LIMIT = 20;

export const PLAN_SECTIONS: PlanSection[] = [
  renderRepos,
  renderSkipped,
  renderExcluded,
  renderHistory,
  renderReuse,
  renderCandidates,
  renderE2b,
  renderPullRequests,
  renderSchedule,
];

export function renderPlan(plan: Plan): string {
  const header = `Plan for job ${plan.job.name} (${plan.job.file}), sandbox ${plan.job.provider}`;
  const blocks = PLAN_SECTIONS.map((section) => section(plan)).filter((lines) => lines.length > 0);
  return `${[[header], ...blocks].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function renderRepos(plan: Plan): string[] {
  const { repos } = plan;
  const parts = [`${repos.run.length} to run`];
  if (repos.skipped.length) parts.push(`${repos.skipped.length} skipped`);
  if (repos.done.length) parts.push(`${repos.done.length} already done`);
  const lines = [`Repositories: ${repos.total} (${parts.join(', ')})`];
  if (repos.excluded.length) lines.push(`  ${repos.excluded.length} more left out by selector filters or as duplicates (below)`);
  if (repos.deferredSelectors) lines.push(`  plus ${repos.deferredSelectors} GitHub selector(s) not resolved`);
  return lines;
}

function renderSkipped(plan: Plan): string[] {
  const { skipped, done } = plan.repos;
  const lines: string[] = [];
  // An org selector with archived: true can bring hundreds the run skips: counted by reason, as those left out are.
  if (skipped.length > LIST_LIMIT) lines.push(`Skipped (${skipped.length}):`, ...countsByReason(skipped.map((r) => r.reason ?? '')), '  (fleetmod plan --json lists each)');
  else if (skipped.length) lines.push(`Skipped (${skipped.length}):`, ...list(skipped, (r) => r.reason ?? ''));
  if (done.length) lines.push(`Not run again (${done.length}):`, ...list(done, (r) => r.reason ?? ''));
  return lines;
}

function renderExcluded(plan: Plan): string[] {
  const { excluded } = plan.repos;
  if (excluded.length === 0) return [];
  if (excluded.length <= LIST_LIMIT) return [`Left out (${excluded.length}):`, ...list(excluded, (r) => r.reason)];
  // A selector over a large org leaves hundreds out: twenty of them, in listing order, would not say how many
  // were archived, forks or beyond the limit; the counts by reason do.
  return [`Left out (${excluded.length}):`, ...countsByReason(excluded.map((r) => r.reason)), '  (fleetmod plan --json lists each)'];
}

function countsByReason(reasons: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const width = String(sorted[0]?.[1] ?? 0).length;
  const lines = sorted.slice(0, LIST_LIMIT).map(([reason, n]) => `  ${String(n).padStart(width)}  ${reason}`);
  const rest = sorted.slice(LIST_LIMIT).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) lines.push(`  ${String(rest).padStart(width)}  for ${sorted.length - LIST_LIMIT} other reasons`);
  return lines;
}

function renderHistory(plan: Plan): string[] {
  const h = plan.history;
  if (!h) return plan.journalProblem ? [`Earlier runs: ${plan.journalProblem}`] : ['Earlier runs: none of this job in the journal'];
  // A run another live process works on is refused by `fleetmod run` (run-claim.ts), so the plan must not promise
  // a resume; a crashed one is taken over, and saying "running" would hide that it died.
  const kind = h.resumes && h.owner
    ? `being worked on by process ${h.owner.pid ?? '?'} on ${h.owner.host ?? '?'}; fleetmod run refuses it until that process ends`
    : h.resumes
      ? 'same manifest; fleetmod run resumes it'
      : h.sameManifest
        ? 'same manifest, but a dry run; fleetmod run starts a new run'
        : 'an earlier version of the manifest; fleetmod run starts a new run';
  const status = h.crashed ? 'crashed' : h.status;
  const lines = [`Earlier run: ${h.runId} (${status}${h.dryRun ? ', dry run' : ''}, ${formatTime(h.createdAt)}; ${kind})`];
  // Why it paused is what to look at before it goes on (fleetmod report, fleetmod show RUN REPO --log).
  if (h.status === 'paused' && h.statusReason) lines.push(`  it paused: ${h.statusReason}`);
  if (h.withResult === 0) {
    lines.push('  none of these repositories has a result in it yet');
    return lines;
  }
  const counts = Object.entries(h.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, n]) => `${n} ${outcome}`);
  lines.push(`  ${plural(h.withResult, 'of these repositories has', 'of these repositories have')} a result there: ${counts.join(', ')}`);
  if (!h.resumes) {
    const withResult = plan.repos.run.filter((r) => r.previous);
    lines.push(...list(withResult, (r) => describePrevious(r)));
  }
  return lines;
}

function renderReuse(plan: Plan): string[] {
  if (!plan.reuse || plan.reuse.repos === 0) return [];
  return [
    `Reuse: ${plural(plan.reuse.repos, 'repository to run has', 'repositories to run have')} a result of the same steps from an earlier run; ` +
      'it is taken without a sandbox where the base commit has not moved (--no-reuse runs them again)',
  ];
}

const PR_NOW_TEXT: Record<Exclude<EarlierPrNow['state'], 'open'>, string> = {
  merged: 'merged since',
  'closed-by-fleetmod': 'closed by fleetmod since',
  declined: 'closed by a person since',
  gone: 'gone from GitHub',
};

function describePrevious(repo: PlannedRepo): string {
  const p = repo.previous;
  if (!p) return '';
  const now = repo.prNow && repo.prNow.state !== 'open' ? ` (${PR_NOW_TEXT[repo.prNow.state]})` : '';
  return `${p.outcome as Outcome}${p.prUrl ? ` ${p.prUrl}` : ''}${now}${p.message ? ` (${p.message})` : ''}`;
}

function renderCandidates(plan: Plan): string[] {
  const c = plan.candidates;
  if (c.perRepo <= 1) return [];
  const repos = plan.repos.run.length;
  const lines = [
    `Candidates: ${c.perRepo} per repository (${c.names.join(', ')}), select: ${c.select}; each runs in its own sandbox`,
    `  ${plural(c.sandboxes, 'sandbox', 'sandboxes')} for ${plural(repos, 'repository', 'repositories')}, at most ${c.atOnce} at once (the lower of limits.sandboxes ${c.limits.sandboxes} and limits.concurrency ${c.limits.concurrency} × ${c.perRepo} candidates)`,
  ];
  const e = c.expected;
  if (e) {
    lines.push(
      `  sandbox time: ${c.perRepo} × ${formatDuration(e.perSandboxMs)} = ${formatDuration(e.perRepoMs)} per repository, ${formatDuration(e.totalMs)} in all; wall clock at least ${formatDuration(e.minWallClockMs)}`,
    );
  } else {
    lines.push(`  sandbox time: ${c.perRepo} × what one repository takes alone (set sandbox.e2b.expected-duration, the time of one sandbox, for an estimate)`);
  }
  return lines;
}

function renderE2b(plan: Plan): string[] {
  return plan.e2b ? renderCostEstimate(plan.e2b.estimate, plan.e2b.pricing) : [];
}

const BOUND_TEXT: Record<PrBound, string> = {
  'pr-rate': 'limits.pr-rate',
  'github-writes': 'limits.github-writes (per minute)',
  'github-writes-per-hour': 'limits.github-writes-per-hour',
  'write-spacing': 'GitHub write spacing (1 s between writes, 3 s between PR creations and review requests)',
};

function renderPullRequests(plan: Plan): string[] {
  const pr = plan.pullRequests;
  if (!pr.opens) return [`Pull requests: none (${pr.reason})`];
  const kind = pr.draft ? 'new draft pull request' : 'new pull request';
  const lines = [
    `Pull requests: up to ${plural(pr.pullRequests, kind)} (repositories with a change), ${plural(pr.writes, 'content-creating GitHub write')} (${pr.writesPerPr.join(', ')} per PR)`,
  ];
  lines.push(...earlierPrLines(pr));
  if (pr.notOnGithub) {
    lines.push(`  ${plural(pr.notOnGithub, 'repository is', 'repositories are')} not on GitHub: pushed as branches, without a PR`);
  }
  if (pr.pullRequests > 0) {
    const rate = Math.floor(pr.perHour[pr.bottleneck] ?? 0);
    lines.push(`  estimated PR-creation time: ${formatDuration(pr.durationMs)} (at most ${rate} PRs/hour, set by ${BOUND_TEXT[pr.bottleneck]})`);
  }
  return lines;
}

/** What the run does with the PRs an earlier run opened, by their state — on GitHub now, or as the journal has it. */
function earlierPrLines(pr: Extract<Plan['pullRequests'], { opens: true }>): string[] {
  const lines: string[] = [];
  const e = pr.earlierPrs;
  if (pr.withOpenPr) {
    const what = { update: 'updated, not opened again', skip: 'left alone (on-existing: skip)', recreate: 'closed and opened again (on-existing: recreate), counted above' }[pr.onExisting];
    const source = e.from === 'github' ? 'on GitHub now' : 'as the journal has it: without GitHub access plan cannot see a PR closed or merged since';
    lines.push(`  ${plural(pr.withOpenPr, 'repository has', 'repositories have')} an open PR from the earlier run (${source}): ${what}`);
  }
  const its = (n: number) => `${plural(n, 'repository has its PR', 'repositories have their PRs')} from the earlier run`;
  if (e.merged) lines.push(`  ${its(e.merged)} merged since: a new one is opened where the run still changes the repository, counted above`);
  if (e.closed) lines.push(`  ${its(e.closed)} closed by fleetmod (or gone from GitHub): a new one is opened where the run changes the repository, counted above`);
  if (e.declined) {
    const what = pr.onExisting === 'recreate' ? 'opened again (on-existing: recreate), counted above' : 'skipped, the change was declined (see Skipped; on-existing: recreate opens a new one)';
    lines.push(`  ${its(e.declined)} closed by a person without merging: ${what}`);
  }
  return lines;
}

function renderSchedule(plan: Plan): string[] {
  const { window, deadline, canary, maxFailures, resumesStarted } = plan.schedule;
  const lines: string[] = [];
  if (window) {
    const days = window.days ? ` on ${window.days.join(', ')}` : '';
    const zone = window.timezone ? ` ${window.timezone}` : '';
    lines.push(`Window: repositories start only ${window.start}–${window.end}${zone}${days} (${hoursAndMinutes(window.lengthMs)} a day)`);
    const pr = plan.pullRequests;
    if (pr.opens && pr.durationMs > window.lengthMs) {
      lines.push(`  the pull requests alone need more than one window (about ${Math.ceil(pr.durationMs / window.lengthMs)}); the run pauses and resumes`);
    }
  }
  if (deadline) {
    // Without an offset it is on the clock of the window's time zone (or this machine's), as the run reads it.
    const zone = window?.timezone && !/(Z|[+-]\d{2}:?\d{2})$/.test(deadline) ? ` ${window.timezone}` : '';
    lines.push(`Deadline: no repository starts after ${deadline}${zone}`);
  }
  if (canary !== undefined && resumesStarted && resumesStarted.canaryLeft === 0) {
    lines.push(`Canary: none — fleetmod run resumes run ${plan.history?.runId}, whose canary is over (it finished ${canary} repositories, or one of them failed)`);
  } else if (canary !== undefined && resumesStarted) {
    const left = resumesStarted.canaryLeft;
    lines.push(
      `Canary: fleetmod run resumes run ${plan.history?.runId}, stopped before its canary was over: the ${left === 1 ? 'repository' : `${left} repositories`} left of the first ${canary} go alone first; if one fails, the run pauses`,
    );
  } else if (canary !== undefined) {
    const first = canary === 1 ? 'the first repository goes' : `the first ${canary} repositories go`;
    lines.push(`Canary: ${first} alone; if one fails, the run pauses before the others start (a run resumed after the canary was over has none; one stopped before that runs the rest of it first)`);
  }
  if (maxFailures !== undefined) {
    const subject = maxFailures === 1 ? 'repository has' : 'repositories have';
    const resumed = resumesStarted ? ' (a resumed run counts from zero)' : '';
    lines.push(`Brake: the run pauses once ${maxFailures} ${resumesStarted ? 'more ' : ''}${subject} failed${resumed}`);
  }
  return lines;
}

function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h${m}m`;
}

function list<T extends { display: string }>(items: readonly T[], detail: (item: T) => string): string[] {
  const width = Math.min(40, Math.max(...items.slice(0, LIST_LIMIT).map((i) => i.display.length)));
  const lines = items.slice(0, LIST_LIMIT).map((item) => {
    const text = detail(item);
    return `  ${text ? item.display.padEnd(width) : item.display}${text ? `  ${text}` : ''}`;
  });
  if (items.length > LIST_LIMIT) lines.push(`  … and ${items.length - LIST_LIMIT} more (fleetmod plan --json lists all)`);
  return lines;
}
