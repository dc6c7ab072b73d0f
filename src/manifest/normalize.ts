/** Turns a validated manifest (kebab-case, units as text) into the program's `Job`. Pure; no I/O. */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseDuration, parseSize } from '../util/units.js';
import { splitAuthor } from './author.js';
import type { JobManifest } from './schema.js';
import { DEFAULT_AUTHOR, type CandidateSpec, type Identity, type Job, type Rate, type RepoEntry, type StepSpec } from './job.js';

export interface NormalizeContext {
  file: string;
  displayPath: string;
  dir: string;
  hash: string;
}

/**
 * E2B's Hobby plan limits (e2b-protocol.md §10): 20 sandboxes at once, 1 created per second. The compute is
 * remote, so an E2B job works on as many repos at once as it may have sandboxes unless told otherwise.
 */
const E2B_DEFAULT_SANDBOXES = 20;
const E2B_DEFAULT_SANDBOX_RATE: Rate = { count: 1, perMs: 1_000 };

/**
 * Git operations at once per git host when the manifest does not say: 4, or two per sandbox creation per second
 * when that is more. Every sandbox waits for its repository's checkout, and a checkout (or a push) takes one to
 * two seconds on a busy host, so a job allowed to create sandboxes quickly needs that many checkouts under way to
 * keep up. At E2B's Pro rate of 5/s with 4, sandboxes waited for checkouts: 500 repositories took 154 s (median of
 * 4) against 134 s with 8 (bench/results.json). Never more than 16 by default, however high the rate: a forge
 * takes that many connections at once from one host without complaint; more is for the manifest to say.
 */
const DEFAULT_GIT_LIMIT = 4;
const MAX_DEFAULT_GIT_LIMIT = 16;
const GIT_OPERATIONS_PER_CREATION_PER_SECOND = 2;

function defaultGitLimit(sandboxRate: Rate | undefined): number {
  if (!sandboxRate) return DEFAULT_GIT_LIMIT;
  const creationsPerSecond = (sandboxRate.count * 1_000) / sandboxRate.perMs;
  const keepingUp = Math.ceil(GIT_OPERATIONS_PER_CREATION_PER_SECOND * creationsPerSecond);
  return Math.min(MAX_DEFAULT_GIT_LIMIT, Math.max(DEFAULT_GIT_LIMIT, keepingUp));
}

export function normalizeJob(m: JobManifest, ctx: NormalizeContext): Job {
  const steps = normalizeSteps(m.steps);
  const e2b = m.sandbox?.provider === 'e2b';
  const sandboxes = m.limits?.sandboxes ?? (e2b ? E2B_DEFAULT_SANDBOXES : undefined);
  const sandboxRate = m.limits?.['sandbox-rate'] ? parseRate(m.limits['sandbox-rate']) : e2b ? E2B_DEFAULT_SANDBOX_RATE : undefined;
  const concurrency = m.limits?.concurrency ?? (e2b ? (sandboxes as number) : Math.max(2, availableParallelism()));
  const pr = m.change.pr;
  const publish = m.change.publish ?? (pr ? (pr.draft ? 'draft' : true) : false);
  return {
    file: ctx.file,
    displayPath: ctx.displayPath,
    dir: ctx.dir,
    hash: ctx.hash,
    name: m.name,
    ...(m.description !== undefined && { description: m.description }),
    repos: m.repos.map((entry, index): RepoEntry => normalizeRepoEntry(entry, ['repos', index])),
    github: {
      ...(m.github?.['api-url'] && { apiUrl: m.github['api-url'] }),
      ...(m.github?.['server-url'] && { serverUrl: m.github['server-url'] }),
      fork: m.github?.fork ?? 'auto',
    },
    sandbox: {
      provider: m.sandbox?.provider ?? 'local',
      template: m.sandbox?.template ?? 'base',
      timeoutMs: durationOr(m.sandbox?.timeout, 30 * 60_000),
      ...(m.sandbox?.memory && { memoryBytes: parseSize(m.sandbox.memory) as number }),
      ...(m.sandbox?.cpus !== undefined && { cpus: m.sandbox.cpus }),
      pids: m.sandbox?.pids ?? 1024,
      ...(m.sandbox?.disk && { diskBytes: parseSize(m.sandbox.disk) as number }),
      tmpBytes: m.sandbox?.tmp ? (parseSize(m.sandbox.tmp) as number) : 512 * 2 ** 20,
      outputBytes: m.sandbox?.output ? (parseSize(m.sandbox.output) as number) : 2 ** 20,
      changeBytes: m.sandbox?.['change-size'] ? (parseSize(m.sandbox['change-size']) as number) : 64 * 2 ** 20,
      network: m.sandbox?.network ?? false,
      env: m.sandbox?.env ?? {},
      secrets: m.sandbox?.secrets ?? [],
      e2b: {
        vcpu: m.sandbox?.e2b?.vcpu ?? 2,
        memoryMb: m.sandbox?.e2b?.['memory-mb'] ?? 512,
        priceVcpuSecond: m.sandbox?.e2b?.['price-vcpu-second'] ?? 0.000014,
        priceGibSecond: m.sandbox?.e2b?.['price-gib-second'] ?? 0.0000045,
        ...(m.sandbox?.e2b?.['expected-duration'] && {
          expectedDurationMs: parseDuration(m.sandbox.e2b['expected-duration']) as number,
        }),
      },
    },
    steps,
    verify: (m.verify ?? []).map((v, i) =>
      typeof v === 'string'
        ? { name: `verify-${i + 1}`, run: v, env: {} }
        : {
            name: v.name ?? `verify-${i + 1}`,
            run: v.run,
            env: v.env ?? {},
            ...(v.timeout && { timeoutMs: parseDuration(v.timeout) as number }),
          },
    ),
    change: {
      branch: m.change.branch,
      commit: {
        message: m.change.commit.message,
        author: parseAuthor(m.change.commit.author),
        ...(m.change.commit['signing-key'] !== undefined && { signingKey: keyFilePath(m.change.commit['signing-key'], ctx.dir) }),
      },
      ...(pr && {
        pr: {
          title: pr.title,
          body: pr.body ?? '',
          draft: pr.draft ?? publish === 'draft',
          labels: pr.labels ?? [],
          reviewers: pr.reviewers ?? [],
          teamReviewers: pr['team-reviewers'] ?? [],
          assignees: pr.assignees ?? [],
        },
      }),
      onExisting: m.change['on-existing'] ?? 'update',
      closeStale: m.change['close-stale'] ?? false,
      publish,
    },
    limits: {
      concurrency,
      clone: m.limits?.clone ?? defaultGitLimit(sandboxRate),
      ...(sandboxes !== undefined && { sandboxes }),
      ...(sandboxRate && { sandboxRate }),
      githubWritesPerMinute: m.limits?.['github-writes'] ?? 60,
      githubWritesPerHour: m.limits?.['github-writes-per-hour'] ?? 400,
      retries: m.limits?.retries ?? 2,
      ...(m.limits?.['pr-rate'] && { prRate: parseRate(m.limits['pr-rate']) }),
      ...(m.limits?.canary !== undefined && { canary: m.limits.canary }),
      ...(m.limits?.['max-failures'] !== undefined && { maxFailures: m.limits['max-failures'] }),
      ...(m.limits?.deadline && { deadline: m.limits.deadline }),
      ...(m.limits?.window && {
        window:
          typeof m.limits.window === 'string'
            ? { start: m.limits.window.slice(0, 5), end: m.limits.window.slice(6) }
            : {
                start: m.limits.window.start,
                end: m.limits.window.end,
                ...(m.limits.window.days && { days: m.limits.window.days }),
                ...(m.limits.window.timezone && { timezone: m.limits.window.timezone }),
              },
      }),
    },
    candidates: normalizeCandidates(m.candidates, steps),
    select: m.select ?? 'first-passing',
    ...(m.score && {
      score: { run: m.score.run, ...(m.score.timeout && { timeoutMs: parseDuration(m.score.timeout) as number }) },
    }),
  };
}

function normalizeRepoEntry(entry: JobManifest['repos'][number], path: (string | number)[]): RepoEntry {
  if (typeof entry === 'string') return { kind: 'repo', value: entry.trim(), env: {}, path };
  if ('file' in entry) return { kind: 'file', file: entry.file, path };
  if ('github' in entry) {
    const g = entry.github;
    return {
      kind: 'github',
      path,
      selector: {
        ...(g.org && { org: g.org }),
        ...(g.user && { user: g.user }),
        topics: g.topics ?? [],
        ...(g.search && { search: g.search }),
        include: g.include ?? [],
        exclude: g.exclude ?? [],
        archived: g.archived,
        forks: g.forks,
        ...(g.limit !== undefined && { limit: g.limit }),
      },
    };
  }
  return {
    kind: 'repo',
    value: entry.repo.trim(),
    ...(entry.base && { base: entry.base }),
    env: entry.env ?? {},
    ...(entry.skip && { skip: entry['skip-reason'] ?? 'skip: true in the manifest' }),
    path,
  };
}

function normalizeSteps(steps: JobManifest['steps']): StepSpec[] {
  return steps.map((s, i) => ({
    name: s.name ?? `step-${i + 1}`,
    run: s.run,
    files: s.files ?? [],
    env: s.env ?? {},
    ...(s.timeout && { timeoutMs: parseDuration(s.timeout) as number }),
    ...(s.if && { if: s.if }),
    continueOnError: s['continue-on-error'] ?? false,
  }));
}

function normalizeCandidates(candidates: JobManifest['candidates'], steps: StepSpec[]): CandidateSpec[] {
  if (candidates === undefined) return [{ name: 'default', steps, env: {} }];
  if (typeof candidates === 'number') {
    return Array.from({ length: candidates }, (_, i) => ({
      name: `candidate-${i + 1}`,
      steps,
      env: { FLEETMOD_CANDIDATE: String(i + 1) },
    }));
  }
  return candidates.map((c, i) => ({
    name: c.name,
    steps: c.steps ? normalizeSteps(c.steps) : steps,
    env: { FLEETMOD_CANDIDATE: String(i + 1), ...(c.env ?? {}) },
  }));
}

function durationOr(text: string | undefined, fallback: number): number {
  return text ? (parseDuration(text) ?? fallback) : fallback;
}

/** A key file's path from the manifest's folder; `~/` stays for the run to expand with its HOME (home-path.ts). */
function keyFilePath(written: string, dir: string): string {
  return written.startsWith('~/') ? written : path.resolve(dir, written);
}

export function parseAuthor(author: JobManifest['change']['commit']['author']): Identity {
  if (author === undefined) return DEFAULT_AUTHOR;
  if (typeof author !== 'string') return { name: author.name, email: author.email };
  // The schema accepted it, so it splits.
  const split = splitAuthor(author) as Identity;
  return { name: split.name, email: split.email };
}

const RATE_UNITS: Record<string, number> = {
  s: 1_000, sec: 1_000, second: 1_000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000,
};

export function parseRate(text: string): Rate {
  const [count, unit] = text.split('/').map((part) => part.trim()) as [string, string];
  return { count: Number(count), perMs: RATE_UNITS[unit] as number };
}
