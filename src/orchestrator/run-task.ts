/**
 * One repository through the stages: resolve → clone → sandbox → steps → verify → diff → commit → push → pr.
 * Every transition is journaled before the next begins, and the task picks up what an earlier attempt left in
 * the journal: a stored diff is re-applied instead of re-running the sandbox, and the commit is re-made with the
 * same time (so the same SHA) and found already pushed, so nothing is done twice. A new run of the same
 * transformation takes an earlier run's result the same way (reuse-result.ts); with the base and the branch where
 * that result left them, not even a checkout is needed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Interrupted, RepoInvalid, errorMessage } from '../domain/errors.js';
import { repoSlug } from '../domain/repo.js';
import type { Stage } from '../domain/stage.js';
import type { Job } from '../manifest/job.js';
import { branchNameProblem } from '../manifest/git-ref.js';
import { referencesIn, renderTemplate } from '../manifest/template.js';
import type { TaskRecord } from '../store/types.js';
import { removeTree } from '../util/remove-tree.js';
import { countDiff } from './diff-stat.js';
import { finishUnchanged } from './close-stale.js';
import { declinedReason, newerClosed, NO_PULL_REQUESTS } from './declined.js';
import { candidateValues, ensurePr } from './pull-request-stage.js';
import { FLEETMOD_TRAILER } from './own-commits.js';
import { pushBranch } from './push-branch.js';
import { remoteWriteCheck, type BeforeRemoteWrite } from './remote-write-check.js';
import { adoptEarlierResult, hasEarlierResult } from './reuse-result.js';
import { assertNoSecrets } from './secret-guard.js';
import type { StageRunner, TaskConfig, TaskDeps, TaskOutcome } from './task-context.js';
import { settleLogFile } from './task-log-file.js';
import { openTaskLog, type TaskLog } from './task-log.js';
import { transformInSandbox } from './transform-in-sandbox.js';
import { templateValues, type StepOutput } from './variables.js';

/**
 * `ownsRun` is asked right before each push and each pull request written (remote-write-check.ts). `caughtByStop`
 * tells a command the stop signal itself killed (execute-task.ts): its stage is journaled as stopped, not failed.
 */
export async function runTask(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  signal: AbortSignal,
  ownsRun: () => boolean,
  caughtByStop: (err: unknown) => boolean = () => false,
): Promise<TaskOutcome> {
  const { repo } = task;
  const log = openTaskLog((text) => deps.store.appendTaskLog(task.id, text), deps.now);
  log.line(`attempt ${task.attempts} of ${repo.key} in run ${config.run.id}`);
  const workdir = path.join(config.workRoot, repoSlug(repo));
  let succeeded = false;
  try {
    const outcome = await stages(deps, config, task, { signal, caughtByStop }, log, workdir, remoteWriteCheck(config.run.id, ownsRun));
    succeeded = outcome.outcome !== 'edited-by-human';
    return outcome;
  } catch (err) {
    log.line(`error: ${errorMessage(err)}`);
    throw err;
  } finally {
    if (!config.keepWorkdirs) await removeTree(workdir).catch(() => undefined);
    // Its folder's name carries a hash of the repository's key: where it is kept is said, not left to a search.
    else if (existsSync(workdir)) log.line(`checkout kept at ${workdir} (--keep-workdirs)`);
    // A checkout the clone cache made with this repository's new mirror and no stage took (a skip, a failure).
    await deps.checkouts.release?.(repo).catch(() => undefined);
    log.close();
    await settleLogFile(deps, config, task, succeeded).catch(() => undefined);
  }
}

async function stages(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  { signal, caughtByStop }: { signal: AbortSignal; caughtByStop: (err: unknown) => boolean },
  log: TaskLog,
  workdir: string,
  beforeWrite: BeforeRemoteWrite,
): Promise<TaskOutcome> {
  const { repo } = task;
  const { job } = config;
  const codeHost = deps.codeHosts.forRepo(repo);

  const stage: StageRunner = async (name, work) => {
    if (signal.aborted) throw new Interrupted(`stopped before ${name}`);
    deps.store.recordStage(task.id, name, 'started');
    deps.progress.stageChanged(repo, name);
    const started = deps.now();
    try {
      const result = await work();
      deps.store.recordStage(task.id, name, 'succeeded', deps.now() - started);
      return result;
    } catch (err) {
      // A stage the abort ended ("killed: aborted"), or whose command the Ctrl-C itself reached, did not fail: the
      // repository is interrupted or run again (execute-task.ts).
      const ended = signal.aborted || err instanceof Interrupted || caughtByStop(err) ? 'stopped' : 'failed';
      deps.store.recordStage(task.id, name, ended, deps.now() - started, errorMessage(err));
      throw err;
    }
  };

  // resolve: what the remote looks like, which base, which branch, is there already a branch or a PR.
  const anyEarlier = hasEarlierResult(deps, config, task);
  const resolved = await stage('resolve', async () => {
    const branchMatters = branchMattersBeforeCheckout(job, task, anyEarlier);
    const early = branchMatters ? branchBeforeBase(job, config.run.id, task) : undefined;
    let info = await deps.limiters.git(repo, () => codeHost.inspect(repo, signal, early === undefined ? undefined : { branch: early }));
    if (info.skipReason) return { skip: info.skipReason } as const;
    if (info.note) log.line(info.note);
    const base = repo.base ?? info.defaultBranch;
    // No HEAD to follow: an empty repository, or a HEAD that names a branch that does not exist (git then advertises none).
    if (!base) throw new RepoInvalid(`${repo.key} has no default branch: it is empty, or its HEAD names a branch that does not exist; give the branch to change with base: in its repos entry`);
    const branch = renderTemplate(job.change.branch, templateValues({ job, runId: config.run.id, repo, base }));
    // validate checked the template; what a repository's name or base renders into it is known only here.
    const problem = branchNameProblem(branch);
    if (problem) throw new RepoInvalid(`change.branch renders "${branch}" for ${repo.key}: ${problem}`);
    if (branch === base) throw new RepoInvalid(`change.branch "${branch}" is the base branch of ${repo.key}`);
    const auth = await codeHost.gitAuth(repo);
    const here = codeHost.findPullRequests ? await codeHost.findPullRequests(repo, info.headOwner, branch, base) : NO_PULL_REQUESTS;
    let existingPr = here.open;
    let lastClosed = here.lastClosed;
    // An open PR from the fork an earlier run pushed to (it could not push here then): the change stays there, in
    // that PR, instead of a second PR from here.
    if (!existingPr && info.forkHead && codeHost.findPullRequests) {
      const fromFork = await codeHost.findPullRequests(repo, info.forkHead.headOwner, branch, base);
      lastClosed = newerClosed(lastClosed, fromFork.lastClosed);
      if (fromFork.open) {
        info = { ...info, ...info.forkHead };
        existingPr = fromFork.open;
        log.line(`the open PR #${existingPr.number} is from the fork ${info.headOwner} (an earlier run could not push here): the branch stays there`);
      }
    }
    const pushUrl = info.pushUrl;
    // Not looked at: the push leases on "no such branch", and a branch that is there refuses it and is looked at then.
    const remoteSha = !branchMatters
      ? null
      : info.branchSha !== undefined && branch === early
        ? info.branchSha
        : await deps.limiters.git(repo, () => deps.git.remoteBranchSha(pushUrl, branch, auth));
    deps.store.updateTask(task.id, { baseBranch: base, branch });
    const seen = !branchMatters ? ' (looked at when pushing)' : remoteSha ? ` (exists at ${remoteSha.slice(0, 12)})` : '';
    log.line(`base ${base}, branch ${branch}${seen}${existingPr ? `, open PR #${existingPr.number}` : ''}`);
    // Before anything is pushed: a declined repository is left exactly as it is. (on-existing: skip leaves a
    // repository with the branch alone anyway, for the reason it always gave.)
    const skippedAnyway = job.change.onExisting === 'skip' && remoteSha !== null && remoteSha !== task.headSha;
    if (!existingPr && job.change.onExisting !== 'recreate' && !skippedAnyway) {
      const declined = await declinedReason(codeHost, repo, lastClosed);
      if (declined) {
        log.line(`${lastClosed?.url} was closed without merging, not by fleetmod: the change was declined`);
        return { skip: declined, branch } as const;
      }
    }
    return { info, base, branch, auth, remoteSha, existingPr } as const;
  });
  if ('skip' in resolved) return { outcome: 'skipped', skipReason: resolved.skip, ...('branch' in resolved && { branch: resolved.branch }) };
  const { info, base, branch, auth, existingPr } = resolved;

  const ours = resolved.remoteSha !== null && resolved.remoteSha === task.headSha;
  if (job.change.onExisting === 'skip' && !ours && (resolved.remoteSha || existingPr)) {
    return { outcome: 'skipped', skipReason: `branch ${branch} already exists (on-existing: skip)`, branch };
  }

  // The base commit as resolve saw it (plain git hosts read it anyway), to use a journaled result without a checkout.
  const remoteBaseSha = base === info.defaultBranch ? (info.defaultBranchSha ?? undefined) : undefined;
  const adopted = await adoptEarlierResult(deps, config, task, {
    repo,
    anyEarlier,
    knownSha: remoteBaseSha,
    lookUp: () => deps.limiters.git(repo, () => deps.git.remoteBranchSha(repo.url, base, auth)),
  }, log);
  const current = adopted?.task ?? task;
  // Checked against this run's secrets too: a push token or secret may have changed since that run.
  if (adopted && current.diff !== null) assertNoSecrets(current.diff, 'the reused change', deps.redactor);
  const journaled = current.diff !== null && current.commitTime !== null ? { diff: current.diff, commitTime: current.commitTime } : undefined;
  const reuseDetail = adopted ? `result reused from run ${adopted.producedInRun}` : 'diff reused from journal';
  const values = (diff: string, steps: readonly StepOutput[]) =>
    templateValues({
      job,
      runId: config.run.id,
      repo,
      base,
      branch,
      steps,
      diff: countDiff(diff),
      extra: candidateValues(deps.store.listCandidates(task.id), task.attempts, (job.candidates[0] as (typeof job.candidates)[number]).name),
    });

  // With a journaled result on the base the remote is still at, a checkout is needed only to make a commit: no
  // change needs none, and neither does a branch already at a commit fleetmod made of this diff on this base (a new
  // commit would have the same tree, which the push stage would find already there and leave as it is).
  let published: { headSha: string; stepValues: Record<string, string> } | undefined;
  // The journaled result's step output, read once and only where a commit message or PR may use it.
  let journaledSteps: StepOutput[] | undefined;
  const stepsOfJournal = () => (journaledSteps ??= journaledStepOutputs(deps, current));
  // An adopted result was looked up by the remote's base commit; an earlier attempt's is compared with it here.
  const baseUnchanged = adopted !== undefined || (remoteBaseSha !== undefined && current.baseSha === remoteBaseSha);
  if (journaled && baseUnchanged) {
    // Closing a stale PR looks at its branch's commits first, in the checkout made below; a dry run closes nothing.
    const prToClose = existingPr !== null && job.change.closeStale;
    if (journaled.diff.trim() === '' && (!prToClose || config.dryRun)) {
      recordSkipped(deps, task.id, ['clone', 'sandbox', 'steps', 'verify', 'diff'], reuseDetail);
      return finishUnchanged(deps, config, task, codeHost, log, stage, prToClose ? { branch, existingPr, checkout: null } : { branch, existingPr: null }, beforeWrite);
    }
    // Another run's commit may be unsigned where this run signs: then the commit is made again, and the push stage
    // replaces an unsigned one on the branch.
    const otherRunsCommitMayBeUnsigned = adopted !== undefined && config.signingKey !== undefined;
    const made = otherRunsCommitMayBeUnsigned ? null : (adopted?.source ?? current).headSha;
    if (made !== null && journaled.diff.trim() !== '' && (config.dryRun || resolved.remoteSha === made)) {
      recordSkipped(deps, task.id, ['clone', 'sandbox', 'steps', 'verify', 'diff'], reuseDetail);
      recordSkipped(deps, task.id, ['commit'], `the commit made before: ${made.slice(0, 12)}`);
      deps.store.updateTask(task.id, { headSha: made });
      log.line(`${branch} is already at ${made.slice(0, 12)}, made of this change: no checkout needed`);
      published = { headSha: made, stepValues: values(journaled.diff, stepsOfJournal()) };
    }
  }

  if (!published) {
    const baseSha = await stage('clone', async () => {
      await removeTree(workdir);
      await deps.limiters.git(repo, () => deps.checkouts.checkout(repo, base, workdir, auth, remoteBaseSha), 'checkout');
      const sha = await deps.git.headSha(workdir);
      // A result journaled on another base does not apply to this one: forget it rather than risk applying it later.
      // Its commit goes with it: a commit is fleetmod's "made of this change" only next to the diff it was made of.
      if (sha !== current.baseSha) deps.store.updateTask(task.id, { baseSha: sha, diff: null, commitTime: null, reusedFromRun: null, headSha: null });
      return sha;
    });

    let diff: string;
    let commitTime: number;
    let steps: StepOutput[];
    if (journaled && current.baseSha === baseSha) {
      diff = journaled.diff;
      commitTime = journaled.commitTime;
      steps = stepsOfJournal();
      log.line(adopted ? `using the ${reuseDetail}` : 'reusing the diff journaled by an earlier attempt');
      recordSkipped(deps, task.id, ['sandbox', 'steps', 'verify', 'diff'], reuseDetail);
    } else {
      const produced = await transformInSandbox(deps, config, task, signal, log, workdir, base, stage);
      diff = produced.diff;
      steps = produced.steps;
      assertNoSecrets(diff, 'the change', deps.redactor);
      commitTime = Math.floor(deps.now() / 1000) * 1000;
      const counts = countDiff(diff);
      deps.store.updateTask(task.id, {
        diff,
        commitTime,
        // In the same write: a crash before this diff's commit must not leave an older commit next to it.
        headSha: null,
        filesChanged: counts.files,
        insertions: counts.insertions,
        deletions: counts.deletions,
      });
    }

    if (diff.trim() === '') {
      const checkout = { workdir, baseSha, pushUrl: info.pushUrl };
      return finishUnchanged(deps, config, task, codeHost, log, stage, existingPr ? { branch, existingPr, checkout } : { branch, existingPr: null }, beforeWrite);
    }

    const stepValues = values(diff, steps);
    const headSha = await stage('commit', async () => {
      const message = `${renderTemplate(job.change.commit.message, stepValues).trim()}\n\n${FLEETMOD_TRAILER}: ${job.name}\n`;
      // Step output can flow into the message through {{ steps.<name>.stdout }}: it must not carry a secret out.
      assertNoSecrets(message, 'the commit message', deps.redactor);
      const sha = await deps.git.commitDiff(workdir, {
        base: baseSha,
        diff,
        branch,
        message,
        author: job.change.commit.author,
        time: commitTime,
        ...(config.signingKey !== undefined && { signingKey: config.signingKey }),
      });
      deps.store.updateTask(task.id, { headSha: sha });
      log.line(`committed ${sha.slice(0, 12)} for ${branch}`);
      return sha;
    });
    if (config.dryRun) return { outcome: 'dry-run', branch };

    // Credentials are asked for again right before the push: a GitHub App token from the resolve stage may expire.
    const pushed = await stage('push', async () =>
      pushBranch(deps, {
        task,
        log,
        workdir,
        info,
        branch,
        baseSha,
        headSha,
        auth: await codeHost.gitAuth(repo),
        seenSha: resolved.remoteSha,
        owner: { jobName: job.name, identity: job.change.commit.author },
        signed: config.signingKey !== undefined,
        beforeWrite,
      }),
    );
    if (pushed === 'edited-by-human') {
      return {
        outcome: 'edited-by-human',
        errorClass: 'permanent',
        errorMessage: `branch ${branch} has commits that fleetmod did not make; left as it is`,
        branch,
      };
    }
    published = { headSha, stepValues };
  } else {
    if (config.dryRun) return { outcome: 'dry-run', branch };
    recordSkipped(deps, task.id, ['push'], `${branch} is already at ${published.headSha.slice(0, 12)} on the remote`);
  }
  deps.store.updateTask(task.id, { pushed: true });
  const { stepValues } = published;

  if (!codeHost.supportsPullRequests || job.change.publish === false || !job.change.pr || !codeHost.ensurePullRequest) {
    return { outcome: 'pushed', branch };
  }
  const pr = await stage('pr', () => ensurePr(deps, config, task, codeHost, info, base, branch, existingPr, stepValues, beforeWrite));
  return { outcome: pr.action === 'opened' ? 'pr-opened' : 'pr-updated', branch, prUrl: pr.url };
}

function recordSkipped(deps: TaskDeps, taskId: number, stages: readonly Stage[], detail: string): void {
  for (const s of stages) deps.store.recordStage(taskId, s, 'skipped', 0, detail);
}

/**
 * Whether the resolve stage must see where the change's branch is: to skip the repository (on-existing: skip), or
 * because a result made before — by an earlier attempt, or a run of the same transformation — may already be on
 * it. Otherwise nothing before the push depends on it, and the push finds out (push-branch.ts): one look at the
 * remote less per repository on a first run.
 */
function branchMattersBeforeCheckout(job: Job, task: TaskRecord, anyEarlier: boolean): boolean {
  return job.change.onExisting === 'skip' || task.diff !== null || task.headSha !== null || anyEarlier;
}

/**
 * The branch name before the base is known — when its template does not use the base (or the manifest names the
 * base) — so the first look at the remote can include the branch.
 */
function branchBeforeBase(job: Job, runId: string, task: TaskRecord): string | undefined {
  const { repo } = task;
  if (repo.base === undefined && referencesIn(job.change.branch).some((r) => r.variable === 'repo.base')) return undefined;
  return renderTemplate(job.change.branch, templateValues({ job, runId, repo, base: repo.base ?? '' }));
}

/** The step output the journaled result was made with (RunStore.producingStepResults), by step name. */
function journaledStepOutputs(deps: TaskDeps, task: TaskRecord): StepOutput[] {
  const outputs = new Map<string, StepOutput>();
  for (const r of deps.store.producingStepResults(task.id)) outputs.set(r.name, { name: r.name, outcome: r.outcome, stdout: r.stdout });
  return [...outputs.values()];
}
