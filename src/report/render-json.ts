/**
 * The JSON report for other tools: a stable, versioned document described by schema/report.schema.json. Times are
 * ISO 8601 (UTC) strings, durations milliseconds. Bump REPORT_SCHEMA_VERSION on any incompatible change; new
 * information is added as new properties of the schema (best of N added the optional `candidates`).
 */
import { stripControl } from './escape.js';
import type { CandidateEntry, CandidateTotals, Comparison, RepoEntry, Report } from './model.js';

export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SCHEMA_NAME = 'fleetmod-report';

export interface JsonOptions {
  /** Include each repo's full diff (can be large). @default false */
  includeDiffs?: boolean;
  /** Indentation; 0 for one line. @default 2 */
  indent?: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * A text meant for people (an error, an excerpt of output, a reason), without terminal escape codes: a bot posting it
 * to chat would show them as garbage. The journal keeps the raw output (`fleetmod show --log`); diffs stay as they are.
 */
function plain(text: string): string;
function plain(text: string | null): string | null;
function plain(text: string | null): string | null {
  return text === null ? null : stripControl(text);
}

export function reportDocument(report: Report, options: JsonOptions = {}): Record<string, unknown> {
  const { run, headline } = report;
  return {
    schema: REPORT_SCHEMA_NAME,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: iso(report.generatedAt),
    run: {
      id: run.id,
      job: run.jobName,
      manifestPath: run.manifestPath,
      status: run.status,
      statusReason: plain(run.statusReason),
      stalled: run.stalled,
      dryRun: run.dryRun,
      provider: run.provider,
      isolated: run.isolated,
      runDir: run.runDir,
      createdAt: iso(run.createdAt),
      finishedAt: iso(run.finishedAt),
      durationMs: run.durationMs,
      activeMs: run.activeMs,
    },
    headline: { ...headline, throughputPerMinute: round(report.throughputPerMinute, 3) },
    sandboxUsage: report.sandboxUsage && {
      seconds: round(report.sandboxUsage.seconds, 3),
      hours: round(report.sandboxUsage.hours, 4),
      costUsd: round(report.sandboxUsage.costUsd, 4),
    },
    failureGroups: report.failureGroups.map((g) => ({
      signature: g.signature,
      outcome: g.outcome,
      example: plain(g.example),
      excerpt: plain(g.excerpt),
      count: g.repos.length,
      transient: g.transient,
      permanent: g.permanent,
      repos: g.repos.map((r) => r.key),
    })),
    skipGroups: report.skipGroups.map((g) => ({ reason: plain(g.reason), count: g.repos.length, repos: g.repos.map((r) => r.key) })),
    stages: report.stageStats.map((s) => ({ ...s })),
    slowest: report.slowest.map((s) => ({ repo: s.repo.key, durationMs: s.durationMs, slowestStage: s.slowestStage })),
    comparison: report.comparison && comparisonDocument(report.comparison),
    ...(report.candidates && { candidates: totalsDocument(report.candidates) }),
    ...(report.reuse && { reuse: report.reuse }),
    repos: report.repos.map((r) => repoDocument(r, options.includeDiffs ?? false)),
  };
}

export function renderJson(report: Report, options: JsonOptions = {}): string {
  return `${JSON.stringify(reportDocument(report, options), null, options.indent ?? 2)}\n`;
}

function repoDocument(r: RepoEntry, includeDiff: boolean): Record<string, unknown> {
  return {
    key: r.key,
    display: r.display,
    url: r.url,
    position: r.position,
    status: r.status,
    outcome: r.outcome,
    category: r.category,
    errorClass: r.errorClass,
    errorMessage: plain(r.errorMessage),
    skipReason: plain(r.skipReason),
    stage: r.stage,
    attempts: r.attempts,
    retries: r.retries,
    baseBranch: r.baseBranch,
    baseSha: r.baseSha,
    branch: r.branch,
    headSha: r.headSha,
    reusedFromRun: r.reusedFromRun,
    diffstat: r.diffstat,
    pullRequest: r.pr && {
      number: r.pr.number,
      url: r.pr.url,
      state: r.pr.state,
      checks: r.pr.checks,
      review: r.pr.review,
      mergedAt: iso(r.pr.mergedAt),
      refreshedAt: iso(r.pr.refreshedAt),
    },
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.durationMs,
    sandboxSeconds: round(r.sandboxSeconds, 3),
    costUsd: round(r.costUsd, 4),
    logPath: r.logPath,
    stages: r.stages.map((s) => ({ stage: s.stage, state: s.state, at: iso(s.at), durationMs: s.durationMs, detail: plain(s.detail) })),
    excerpt: plain(r.excerpt),
    signature: r.signature,
    ...(includeDiff && { diff: r.diff }),
    ...(r.candidates.length > 0 && { candidates: r.candidates.map((c) => candidateDocument(c, includeDiff)) }),
  };
}

function candidateDocument(c: CandidateEntry, includeDiff: boolean): Record<string, unknown> {
  return {
    position: c.position,
    name: c.name,
    status: c.status,
    chosen: c.chosen,
    score: c.score,
    diffstat: c.diffstat,
    sandboxSeconds: round(c.sandboxSeconds, 3),
    costUsd: c.costUsd === null ? null : round(c.costUsd, 6),
    durationMs: c.durationMs,
    detail: plain(c.detail),
    ...(includeDiff && { diff: c.diff, diffTruncated: c.diffTruncated }),
  };
}

function totalsDocument(t: CandidateTotals): Record<string, unknown> {
  return { ...t, byStatus: { ...t.byStatus }, sandboxSeconds: round(t.sandboxSeconds, 3), costUsd: t.costUsd === null ? null : round(t.costUsd, 6) };
}

function comparisonDocument(c: Comparison): Record<string, unknown> {
  return {
    previousRunId: c.previousRunId,
    previousCreatedAt: iso(c.previousCreatedAt),
    previousStatus: c.previousStatus,
    newlyFailing: c.newlyFailing,
    newlyFixed: c.newlyFixed,
    stillFailing: c.stillFailing,
    prsMerged: c.prsMerged.map((p) => ({ ...p, at: iso(p.at) })),
    prsClosed: c.prsClosed.map((p) => ({ ...p, at: iso(p.at) })),
    added: c.added,
    removed: c.removed,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
