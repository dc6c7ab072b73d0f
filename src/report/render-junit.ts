/**
 * JUnit XML for CI systems: one test case per repo. failed (permanent), verify-failed and edited-by-human are
 * failures (with the error and the output excerpt); a transient failure (the network, a rate limit, the sandbox's
 * infrastructure: the change was never judged, and `retry --failed --class transient` may well pass) is an error, as
 * JUnit calls a test that could not run; skipped is skipped; a repo not finished yet is skipped with a message saying
 * so (and, in a run that paused, was interrupted or crashed, that); everything else passes. With best of N,
 * system-out names the chosen candidate and why. Every value is XML-escaped and stripped of characters XML forbids.
 */
import { CANDIDATE_STATUS_TEXT, selectionText } from './candidates.js';
import { errorHeadline } from './error-headline.js';
import { escapeXml } from './escape.js';
import { extraExcerpt, outcomeText, statusReasonOf } from './format.js';
import type { RepoEntry, Report, RunInfo } from './model.js';

const FAILURE_OUTCOMES = new Set(['failed', 'verify-failed', 'edited-by-human']);

export function renderJunit(report: Report): string {
  const { run, headline } = report;
  const errors = headline.failedTransient;
  const failures = headline.failed + headline.verifyFailed - errors;
  const skipped = headline.skipped + headline.pending;
  const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
  const attr = escapeXml;
  const suiteName = `${run.jobName} (run ${run.id})`;
  const timestamp = new Date(run.createdAt).toISOString().replace(/\.\d{3}Z$/, '');

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<testsuites name="fleetmod" tests="${headline.total}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(run.durationMs)}">`,
  );
  out.push(
    `  <testsuite name="${attr(suiteName)}" tests="${headline.total}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(run.durationMs)}" timestamp="${timestamp}">`,
  );
  out.push('    <properties>');
  const properties: [string, string][] = [
    ['run', run.id],
    ['job', run.jobName],
    ['status', run.status],
    // Why a paused run paused (the canary failed, limits.max-failures, the time window): the other formats say it.
    ...(run.statusReason ? [['status-reason', run.statusReason] as [string, string]] : []),
    // A run whose process died still says running in the journal; the JSON report says so the same way.
    ...(run.stalled ? [['stalled', 'true'] as [string, string]] : []),
    ['provider', run.provider],
    ['isolated', String(run.isolated)],
    ['dry-run', String(run.dryRun)],
  ];
  for (const [name, value] of properties) out.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
  out.push('    </properties>');
  const stopped = whyLeftPending(run);
  const names = testCaseNames(report.repos);
  for (const repo of report.repos) out.push(testCase(repo, names.get(repo) as string, run.jobName, seconds, stopped));
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * Each repo's test case name: its display name, or its key when other repos share the display name (`./x/team/svc`
 * and `./y/team/svc` are both `team/svc`). CI systems key a test's history and results on its name, and would merge
 * the two or keep one of them.
 */
function testCaseNames(repos: readonly RepoEntry[]): Map<RepoEntry, string> {
  const count = new Map<string, number>();
  for (const r of repos) count.set(r.display, (count.get(r.display) ?? 0) + 1);
  return new Map(repos.map((r) => [r, (count.get(r.display) ?? 0) > 1 ? r.key : r.display]));
}

/**
 * Why nothing works on the run's pending repos until `fleetmod resume` (it paused, was interrupted, or its process
 * died), or null while it runs and they may still start.
 */
function whyLeftPending(run: RunInfo): string | null {
  const reason = statusReasonOf(run);
  if (run.stalled) return "the run's process died";
  if (run.status === 'paused') return `the run paused${reason ? ` (${reason})` : ''}`;
  if (run.status === 'interrupted') return `the run was interrupted${reason ? ` (${reason})` : ''}`;
  return null;
}

/** `stopped`: why nothing works on the repos the run left pending (whyLeftPending). */
function testCase(repo: RepoEntry, name: string, jobName: string, seconds: (ms: number | null) => string, stopped: string | null): string {
  const open = `    <testcase classname="${escapeXml(`fleetmod.${jobName}`)}" name="${escapeXml(name)}" time="${seconds(repo.durationMs)}"`;
  const lines: string[] = [];
  if (repo.outcome !== null && FAILURE_OUTCOMES.has(repo.outcome)) {
    const message = errorHeadline(repo.errorMessage ?? repo.outcome);
    // When no command failed (git, the code host, a missing repository), the excerpt is the error itself: once is enough.
    const excerpt = extraExcerpt(repo.excerpt, repo.errorMessage ?? '');
    const body = [repo.errorMessage, excerpt, repo.logPath ? `full log: ${repo.logPath}` : null].filter(Boolean).join('\n\n');
    const element = repo.outcome === 'failed' && repo.errorClass === 'transient' ? 'error' : 'failure';
    lines.push(`      <${element} message="${escapeXml(message)}" type="${escapeXml(outcomeText(repo))}">${escapeXml(body)}</${element}>`);
  } else if (repo.outcome === 'skipped') {
    lines.push(`      <skipped message="${escapeXml(repo.skipReason ?? 'skipped')}"/>`);
  } else if (repo.outcome === null) {
    const why =
      repo.status === 'running'
        ? `still running${repo.stage ? ` (${repo.stage})` : ''}`
        : repo.stage
          ? `left mid-way in ${repo.stage} (pending)`
          : 'not run yet (pending)';
    const when = stopped && repo.status !== 'running' ? `: ${stopped}` : ' when the report was made';
    lines.push(`      <skipped message="${escapeXml(`${why}${when}`)}"/>`);
  }
  const detail = [`outcome: ${outcomeText(repo)}`];
  if (repo.pr) detail.push(`pull request: ${repo.pr.url} (${repo.pr.state})`);
  else if (repo.branch && (repo.category === 'changed' || repo.category === 'changed-pr')) detail.push(`branch: ${repo.branch}`);
  if (repo.candidates.length > 0) {
    detail.push(`best of ${repo.candidates.length}: ${selectionText(repo)}`);
    detail.push(`candidates: ${repo.candidates.map((c) => `${c.name} (${CANDIDATE_STATUS_TEXT[c.status]}${c.chosen ? ', chosen' : ''})`).join(', ')}`);
  }
  lines.push(`      <system-out>${escapeXml(detail.join('\n'))}</system-out>`);
  return `${open}>\n${lines.join('\n')}\n    </testcase>`;
}
