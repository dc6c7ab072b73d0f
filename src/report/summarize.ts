/** Pure: run data → the summary every renderer shows (headline counts, changed repos, failures grouped). */
import { CHANGED_OUTCOMES, type Outcome } from '../domain/outcome.js';
import type { TaskRecord } from '../store/types.js';
import type { RunData } from './run-data.js';

export interface Headline {
  total: number;
  prOpened: number;
  prUpdated: number;
  pushed: number;
  dryRun: number;
  unchanged: number;
  prClosed: number;
  verifyFailed: number;
  editedByHuman: number;
  failedTransient: number;
  failedPermanent: number;
  skipped: number;
  pending: number;
  running: number;
}

export interface FailureGroup {
  signature: string;
  example: string;
  tasks: TaskRecord[];
}

export interface Summary {
  runId: string;
  jobName: string;
  status: string;
  statusReason: string | null;
  dryRun: boolean;
  provider: string;
  headline: Headline;
  changed: TaskRecord[];
  failures: FailureGroup[];
  skipped: TaskRecord[];
  startedAt: number;
  durationMs: number;
  /** Repos finished per minute over the run's wall time. */
  throughputPerMinute: number;
}

export function summarize(data: RunData): Summary {
  const { run, tasks } = data;
  const h: Headline = {
    total: tasks.length,
    prOpened: 0,
    prUpdated: 0,
    pushed: 0,
    dryRun: 0,
    unchanged: 0,
    prClosed: 0,
    verifyFailed: 0,
    editedByHuman: 0,
    failedTransient: 0,
    failedPermanent: 0,
    skipped: 0,
    pending: 0,
    running: 0,
  };
  const counters: Record<Outcome, () => void> = {
    'pr-opened': () => (h.prOpened += 1),
    'pr-updated': () => (h.prUpdated += 1),
    pushed: () => (h.pushed += 1),
    'dry-run': () => (h.dryRun += 1),
    unchanged: () => (h.unchanged += 1),
    'pr-closed': () => (h.prClosed += 1),
    'verify-failed': () => (h.verifyFailed += 1),
    'edited-by-human': () => (h.editedByHuman += 1),
    skipped: () => (h.skipped += 1),
    failed: () => undefined,
  };
  for (const t of tasks) {
    if (t.status === 'running') h.running += 1;
    else if (t.status !== 'done' || !t.outcome) h.pending += 1;
    else if (t.outcome === 'failed') {
      if (t.errorClass === 'transient') h.failedTransient += 1;
      else h.failedPermanent += 1;
    } else counters[t.outcome]();
  }
  const end = run.finishedAt ?? (run.status === 'running' ? data.generatedAt : run.updatedAt);
  const durationMs = Math.max(0, end - run.createdAt);
  const finished = tasks.filter((t) => t.status === 'done').length;
  return {
    runId: run.id,
    jobName: run.jobName,
    status: run.status,
    statusReason: run.statusReason,
    dryRun: run.dryRun,
    provider: run.provider,
    headline: h,
    changed: tasks.filter((t) => t.outcome && CHANGED_OUTCOMES.includes(t.outcome)),
    failures: groupFailures(tasks.filter((t) => t.outcome === 'failed' || t.outcome === 'verify-failed' || t.outcome === 'edited-by-human')),
    skipped: tasks.filter((t) => t.outcome === 'skipped'),
    startedAt: run.createdAt,
    durationMs,
    throughputPerMinute: durationMs > 0 ? (finished / durationMs) * 60_000 : 0,
  };
}

/** Strips what varies between repos (numbers, hashes, paths, quoted names) so equal failures group together. */
export function errorSignature(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/\b[0-9a-f]{7,64}\b/gi, '<hash>')
    .replace(/(?:\/[\w.@+-]+)+\/?/g, '<path>')
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/"[^"]*"|'[^']*'/g, '<name>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

function groupFailures(tasks: TaskRecord[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const t of tasks) {
    const message = t.errorMessage ?? t.outcome ?? 'failed';
    const signature = `${t.outcome}: ${errorSignature(message)}`;
    const group = groups.get(signature) ?? { signature, example: message, tasks: [] };
    group.tasks.push(t);
    groups.set(signature, group);
  }
  return [...groups.values()].sort((a, b) => b.tasks.length - a.tasks.length || a.signature.localeCompare(b.signature));
}
