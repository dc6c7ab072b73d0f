/**
 * A process suspended past its stale heartbeat can wake in the middle of a repository after another process took
 * its run over — before its heartbeat timer, which would stop it, has fired. It must not then push, or open or
 * close a pull request, for a repository the new owner may be working on too: it asks whether it still owns the
 * run right before each such write (remote-write-check.ts), and stops the repository without journaling it — not
 * its step's result, its diff or its log either (fenced-task-writes.ts).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CliProcess } from '../../support/built-cli.js';
import { RENAME_STEP } from '../../support/forge/job.js';
import { oneRepoForge, type OneRepoRun } from '../../support/forge/one-repo.js';
import { suspendBetweenJournalWrites } from '../../support/suspend.js';
import { tempDir } from '../../support/temp.js';

const BRANCH = 'refs/heads/fleetmod/rename-fetch';

type OneRepo = Awaited<ReturnType<typeof oneRepoForge>>;

/**
 * Starts a run of the job in a process of its own whose step waits for the test, and lets the step go on once the
 * run is another process's: `takeOver: 'in-step'` takes it over while the step waits (the process wakes in its step),
 * `'at-push'` as the branch reaches the forge (it wakes from the push). The run is taken over in the journal, as a
 * process that claimed it would have (process 1 on another-host), just after the waiting process's heartbeat: its
 * heartbeat timer, which would stop it too, is then seconds away when it goes on.
 */
async function wokenAfterTakeover(fx: OneRepo, takeOver: 'in-step' | 'at-push', options: OneRepoRun = {}): Promise<{ code: number | null; output: string }> {
  const signals = await tempDir('fleetmod-takeover-');
  const [started, go] = [path.join(signals, 'started'), path.join(signals, 'go')];
  const step = `touch '${started}'; while [ ! -e '${go}' ]; do sleep 0.05; done; ${options.step ?? RENAME_STEP}`;
  const run = await fx.start({ ...options, step });
  await until(run, () => existsSync(started));
  const db = new Database(path.join(fx.dir, '.fleetmod', 'fleetmod.db'));
  try {
    const heartbeat = () => (db.prepare("SELECT heartbeat_at FROM runs WHERE status = 'running'").get() as { heartbeat_at: number } | undefined)?.heartbeat_at;
    const before = heartbeat();
    await until(run, () => heartbeat() !== before);
    const claim = () => db.prepare("UPDATE runs SET owner_pid = 1, owner_host = 'another-host', heartbeat_at = ? WHERE status = 'running'").run(Date.now());
    if (takeOver === 'in-step') claim();
    // Synchronously as the forge records the push, before it answers it.
    else fx.forge.events.once('push', claim);
    await writeFile(go, '');
    const ended = await run.exited;
    return { code: ended.code, output: run.output() };
  } finally {
    db.close();
  }
}

/**
 * Suspends the run's process (SIGSTOP) while its step waits, takes the run over in the journal, lets the step finish
 * while the process is stopped, and wakes it after longer than its ownership lease: as a process frozen past its stale
 * heartbeat wakes, with its step's end ready to be read before its overdue heartbeat timer fires.
 */
async function suspendedPastTakeover(fx: OneRepo): Promise<{ code: number | null; output: string; stepResults: number; newLogPieces: number }> {
  const signals = await tempDir('fleetmod-takeover-');
  const [started, go] = [path.join(signals, 'started'), path.join(signals, 'go')];
  const run = await fx.start({ step: `touch '${started}'; while [ ! -e '${go}' ]; do sleep 0.05; done; ${RENAME_STEP}` });
  await until(run, () => existsSync(started));
  const db = new Database(path.join(fx.dir, '.fleetmod', 'fleetmod.db'));
  try {
    const logPieces = () => (db.prepare('SELECT COUNT(*) AS n FROM task_logs').get() as { n: number }).n;
    let before = 0;
    await suspendBetweenJournalWrites(run.child, db, () => {
      before = logPieces();
      db.prepare("UPDATE runs SET owner_pid = 1, owner_host = 'another-host', heartbeat_at = ? WHERE status = 'running'").run(Date.now());
    });
    await writeFile(go, '');
    await new Promise((r) => setTimeout(r, 6_000));
    run.child.kill('SIGCONT');
    const ended = await run.exited;
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM step_results').get() as { n: number };
    return { code: ended.code, output: run.output(), stepResults: n, newLogPieces: logPieces() - before };
  } finally {
    db.close();
  }
}

/** Waits for `done`, failing with the process's output if it ends first. */
async function until(run: CliProcess, done: () => boolean): Promise<void> {
  let exited = false;
  void run.exited.then(() => (exited = true));
  while (!done()) {
    if (exited) throw new Error(`the run ended first:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a process that wakes in a repository of a run taken over meanwhile', () => {
  it('pushes nothing and opens no pull request when it wakes in a step', { timeout: 120_000 }, async () => {
    const fx = await oneRepoForge();

    const woken = await wokenAfterTakeover(fx, 'in-step');

    expect(woken.code, woken.output).toBe(3);
    expect(woken.output).toContain('was taken over by process 1 on another-host');
    expect(fx.forge.pushes.filter((p) => p.ref === BRANCH)).toEqual([]);
    expect(fx.forge.pulls('acme/a')).toEqual([]);
    // Left as the new owner has it: nothing finished, pushed or asked of GitHub by this process.
    expect(fx.lastTask('status, outcome, pushed, pr_url, pr_requested_at')).toEqual({ status: 'running', outcome: null, pushed: 0, pr_url: null, pr_requested_at: null });
  });

  it('journals nothing of the step it was suspended in: no step result, no diff, no log line', { timeout: 120_000 }, async () => {
    const fx = await oneRepoForge();

    const woken = await suspendedPastTakeover(fx);

    expect(woken.code, woken.output).toBe(3);
    expect(woken.stepResults).toBe(0);
    expect(fx.lastTask('status, outcome, diff, head_sha')).toEqual({ status: 'running', outcome: null, diff: null, head_sha: null });
    expect(woken.newLogPieces).toBe(0);
    expect(fx.forge.pushes.filter((p) => p.ref === BRANCH)).toEqual([]);
  });

  it('opens no pull request when it wakes from its push', { timeout: 120_000 }, async () => {
    const fx = await oneRepoForge();

    const woken = await wokenAfterTakeover(fx, 'at-push');

    expect(woken.code, woken.output).toBe(3);
    expect(fx.forge.pushes.filter((p) => p.ref === BRANCH)).toHaveLength(1);
    expect(fx.forge.pulls('acme/a')).toEqual([]);
    expect(fx.lastTask('status, outcome, pr_url, pr_requested_at')).toEqual({ status: 'running', outcome: null, pr_url: null, pr_requested_at: null });
  });

  it('closes no stale pull request when it wakes in a step that no longer changes anything', { timeout: 120_000 }, async () => {
    const fx = await oneRepoForge({ change: { 'close-stale': true } });
    expect((await fx.run()).code).toBe(0);

    const woken = await wokenAfterTakeover(fx, 'in-step', { step: 'true' });

    expect(woken.code, woken.output).toBe(3);
    expect(fx.forge.pulls('acme/a')).toMatchObject([{ state: 'open', comments: [] }]);
    expect(fx.lastTask('status, outcome, pr_close_requested_at')).toEqual({ status: 'running', outcome: null, pr_close_requested_at: null });
  });
});
