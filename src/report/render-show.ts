/**
 * `fleetmod show RUN REPO`: one repo's outcome, its candidates (best of N), stage timings, steps, events and where its
 * log and diffs are.
 */
import type { RunRecord, StepResultRecord, TaskEvent } from '../store/types.js';
import { candidateTextTable, selectionText } from './candidates.js';
import { stripControl } from './escape.js';
import { checksText, formatClock, shellWord, formatCost, formatDiffstat, formatDuration, formatTime, outcomeText, prLabel, reviewText } from './format.js';
import type { RepoEntry } from './model.js';

export interface ShowInput {
  run: Pick<RunRecord, 'id' | 'jobName' | 'provider'>;
  repo: RepoEntry;
  steps: readonly StepResultRecord[];
  events: readonly TaskEvent[];
  /** The options naming a journal other than the default one, for the commands shown (see Report.journalArgs). */
  journalArgs?: string;
  /** How the commands shown name the repo (find-repo.ts repoArgument: its key when its display name is shared). @default repo.display */
  repoArgument?: string;
}

export function renderShow({ run, repo, steps, events, journalArgs = '', repoArgument = repo.display }: ShowInput): string {
  const s = stripControl;
  const name = shellWord(repoArgument);
  const out: string[] = [];
  out.push(`${s(repo.display)}${repo.display !== repo.key ? `  (${s(repo.key)})` : ''}`);
  out.push(`run ${run.id}, job ${run.jobName}, sandbox ${run.provider}${run.provider === 'host' ? ' (NO ISOLATION)' : ''}`);
  out.push('');
  const attempts = repo.attempts > 0 ? `; ${repo.attempts} attempt${repo.attempts === 1 ? '' : 's'}${repo.retries ? ` (${repo.retries} retried)` : ''}` : '';
  out.push(`result:   ${outcomeText(repo)}${repo.stage ? `; last stage ${repo.stage}` : ''}${attempts}`);
  if (repo.errorMessage) out.push(`error:    ${s(repo.errorMessage)}`);
  if (repo.skipReason) out.push(`skipped:  ${s(repo.skipReason)}`);
  if (repo.branch) {
    const base = repo.baseBranch ? ` from ${s(repo.baseBranch)}${repo.baseSha ? ` @ ${repo.baseSha.slice(0, 12)}` : ''}` : '';
    out.push(`branch:   ${s(repo.branch)}${base}${repo.headSha ? `, head ${repo.headSha.slice(0, 12)}` : ''}`);
  }
  if (repo.diffstat) out.push(`changes:  ${formatDiffstat(repo.diffstat) || 'none'}`);
  if (repo.pr) {
    const pr = repo.pr;
    const refreshed = pr.refreshedAt !== null ? ` (as of ${formatTime(pr.refreshedAt)})` : '';
    out.push(`PR:       ${prLabel(pr)} ${pr.state}, checks ${checksText(pr)}, review ${reviewText(pr)}${refreshed}  ${s(pr.url)}`);
  }
  if (repo.durationMs !== null) out.push(`time:     ${formatDuration(repo.durationMs)}${repo.startedAt ? ` (started ${formatTime(repo.startedAt)})` : ''}`);
  if (repo.sandboxSeconds > 0 || repo.costUsd > 0) out.push(`sandbox:  ${formatDuration(repo.sandboxSeconds * 1000)}, estimated ${formatCost(repo.costUsd)}`);

  if (repo.candidates.length > 0) {
    out.push('', `Candidates (best of ${repo.candidates.length}): ${s(selectionText(repo))}`);
    out.push(...candidateTextTable(repo.candidates, '  '));
  }
  if (repo.stages.length > 0) {
    out.push('', 'Stages (start, UTC):');
    for (const st of repo.stages) {
      if (st.state === 'started') continue;
      const took = st.durationMs !== null ? formatDuration(st.durationMs) : '';
      out.push(`  ${formatClock(st.at - (st.durationMs ?? 0))}  ${st.stage.padEnd(8)} ${st.state.padEnd(10)} ${took.padStart(7)}${st.detail ? `  ${s(firstLine(st.detail))}` : ''}`);
    }
    const open = openStage(repo);
    // Open in a run that crashed: nobody runs it now, so it is not "running" (task-status.ts).
    if (open) out.push(`  ${formatClock(open.at)}  ${open.stage.padEnd(8)} ${repo.status === 'running' ? 'running' : 'not finished (the run stopped)'}`);
  }
  if (steps.length > 0) {
    out.push('', 'Commands:');
    for (const r of steps) {
      const exit = r.outcome === 'timeout' ? 'timed out' : r.exitCode === null ? r.outcome : `exit ${r.exitCode}`;
      const candidate = r.candidate !== 'default' ? ` [${s(r.candidate)}]` : '';
      out.push(`  attempt ${r.attempt}  ${r.kind.padEnd(6)} ${s(r.name)}${candidate}: ${r.outcome}, ${exit}, ${formatDuration(r.durationMs)}${r.truncated ? ' (output cut)' : ''}`);
    }
  }
  if (events.length > 0) {
    out.push('', 'Events (UTC):');
    for (const ev of events) out.push(`  ${formatClock(ev.at)}  ${ev.level.padEnd(5)} ${s(firstLine(ev.message))}`);
  }
  if (repo.excerpt) {
    out.push('', 'Output of the failing command (tail):');
    for (const line of s(repo.excerpt).split('\n')) out.push(`  | ${line}`);
  }
  out.push('');
  const showLog = `fleetmod show ${run.id} ${name} --log${journalArgs}`;
  if (repo.logPath) out.push(`log:  ${s(repo.logPath)}  (${showLog})`);
  else if (repo.attempts > 0) out.push(`log:  ${showLog}`);
  if (repo.diff && repo.diff.trim() !== '') out.push(`diff: fleetmod show ${run.id} ${name} --diff${journalArgs}  (prints the patch; pipe it to git apply)`);
  const withDiff = repo.candidates.find((c) => c.diff.trim() !== '' && !c.chosen) ?? repo.candidates.find((c) => c.diff.trim() !== '');
  if (withDiff) out.push(`candidate diffs: fleetmod show ${run.id} ${name} --candidate ${shellWord(withDiff.name)}${journalArgs}  (any candidate's name)`);
  return `${out.join('\n')}\n`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function openStage(repo: RepoEntry): { stage: string; at: number } | null {
  if (repo.status === 'done') return null;
  const last = repo.stages[repo.stages.length - 1];
  return last && last.state === 'started' ? { stage: last.stage, at: last.at } : null;
}
