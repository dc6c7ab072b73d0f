/** The plain-text report printed at the end of `run` and by `report`. */
import { formatDuration } from '../util/units.js';
import { prStateLabel } from './render-status.js';
import type { Summary } from './summarize.js';

export interface TextOptions {
  /** How many repos to list per section before "… and N more". @default 50 */
  listLimit?: number;
}

export function renderText(s: Summary, options: TextOptions = {}): string {
  const limit = options.listLimit ?? 50;
  const h = s.headline;
  const out: string[] = [];
  const state = s.status === 'finished' ? 'finished' : `${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}`;
  out.push(`fleetmod run ${s.runId} — job ${s.jobName}${s.dryRun ? ' (dry run)' : ''}`);
  out.push(`${state}; ${h.total} repos in ${formatDuration(s.durationMs)}; sandbox ${s.provider}${s.provider === 'host' ? ' (NO ISOLATION)' : ''}`);
  out.push('');
  const changedWithPr = h.prOpened + h.prUpdated;
  const changedNoPr = h.pushed + h.dryRun;
  const rows: [string, number, string?][] = [
    ['changed, PR opened/updated', changedWithPr, changedWithPr ? `${h.prOpened} opened, ${h.prUpdated} updated` : undefined],
    ['changed, no PR', changedNoPr, changedNoPr ? `${h.pushed} pushed, ${h.dryRun} dry run` : undefined],
    ['unchanged', h.unchanged + h.prClosed, h.prClosed ? `${h.prClosed} stale PRs closed` : undefined],
    ['verify failed', h.verifyFailed],
    ['failed', h.failedTransient + h.failedPermanent + h.editedByHuman, h.failedTransient + h.failedPermanent + h.editedByHuman
      ? `${h.failedPermanent} permanent, ${h.failedTransient} transient${h.editedByHuman ? `, ${h.editedByHuman} edited by a human` : ''}`
      : undefined],
    ['skipped', h.skipped],
    ['pending', h.pending + h.running, h.running ? `${h.running} running now` : undefined],
  ];
  for (const [label, n, detail] of rows) out.push(`  ${label.padEnd(28)} ${String(n).padStart(5)}${detail ? `   (${detail})` : ''}`);

  if (s.changed.length > 0) {
    out.push('', 'Changed:');
    for (const t of s.changed.slice(0, limit)) {
      const stat = t.filesChanged !== null ? ` ${t.filesChanged} files +${t.insertions ?? 0} -${t.deletions ?? 0}` : '';
      const where = t.prUrl ?? (t.outcome === 'dry-run' ? `branch ${t.branch} (not pushed)` : `branch ${t.branch}`);
      // The PR's state as `status --refresh` last read it.
      const pr = t.prRefreshedAt !== null ? `  [${[prStateLabel(t), t.prReview, t.prChecks && `checks ${t.prChecks}`].filter(Boolean).join(', ')}]` : '';
      out.push(`  ${t.outcome?.padEnd(10)} ${t.repo.display ?? t.repo.key}  ${where}${stat}${pr}`);
    }
    if (s.changed.length > limit) out.push(`  … and ${s.changed.length - limit} more`);
  }
  if (s.failures.length > 0) {
    out.push('', 'Failures (grouped):');
    for (const g of s.failures) {
      out.push(`  ${g.tasks.length} × ${g.example.split('\n')[0]}`);
      const shown = g.tasks.slice(0, Math.min(limit, 10));
      for (const t of shown) out.push(`      ${t.repo.display ?? t.repo.key}${t.logPath ? `  log: ${t.logPath}` : ''}`);
      if (g.tasks.length > shown.length) out.push(`      … and ${g.tasks.length - shown.length} more (fleetmod report --format markdown lists all)`);
    }
  }
  if (s.skipped.length > 0) {
    out.push('', 'Skipped:');
    for (const t of s.skipped.slice(0, limit)) out.push(`  ${t.repo.display ?? t.repo.key}: ${t.skipReason ?? ''}`);
    if (s.skipped.length > limit) out.push(`  … and ${s.skipped.length - limit} more`);
  }
  if (h.pending + h.running > 0 && s.status !== 'running') {
    out.push('', `${h.pending + h.running} repos still pending: fleetmod resume ${s.runId}`);
  }
  return `${out.join('\n')}\n`;
}
