/**
 * Attacks on the machine's processes and resources: fork bomb, memory hog, kill -9 -1, sleeping forever, endless
 * output, a process tree that tries to outlive its step. One fleetmod run; each attack is followed by an ordinary
 * repo that must still get its change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOrdinaryReposChanged, runAttacks, type AttackRun } from './support/attack-run.js';
import { journalIntact, leftoverCgroups, processesNamed, processesOf, sandboxesIn } from './support/host-checks.js';

const MARKER = `fleetmod-attack-${process.pid}`;

let run: AttackRun;
let hostSleeper: ChildProcess;

beforeAll(async () => {
  // A host process the attacks would love to kill.
  hostSleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
  run = await runAttacks({
    sandbox: { pids: '64', memory: '64MiB', output: '64KiB' },
    // Long enough for the memory hog to reach its limit on a machine busy with the rest of the suite (at 2 s it once
    // timed out first, with three test files at a time on two cores).
    stepTimeout: '5s',
    attacks: [
      { name: 'fork-bomb', script: 'bomb() { bomb | bomb & }; bomb\nsleep 30' },
      { name: 'memory-hog', script: 'head -c 1G /dev/zero | tail > /dev/null' },
      { name: 'kill-all', script: 'kill -9 -1 || true\nkill -9 1 || true\necho still here > killed.txt' },
      { name: 'sleep-forever', script: 'sleep infinity' },
      { name: 'endless-output', script: 'yes "endless output"' },
      {
        name: 'outlive-step',
        script: [
          `setsid bash -c 'exec -a ${MARKER}-setsid sleep 600' &`,
          `nohup bash -c 'exec -a ${MARKER}-nohup sleep 600' >/dev/null 2>&1 &`,
          `bash -c '(exec -a ${MARKER}-double sleep 600 &) &'`,
          'echo started > outlive.txt',
        ].join('\n'),
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  hostSleeper.kill('SIGKILL');
  await run?.cleanup();
});

describe('attacks on processes and resources, run by fleetmod', () => {
  it('finish the run with exit code 1 and the journal intact', () => {
    expect(run.code).toBe(1);
    expect(journalIntact(run.dbPath)).toEqual({ integrity: 'ok', tasks: 12 });
  });

  it('fork bomb: the process limit refuses its forks, the timeout ends it, the reason says both', () => {
    const bomb = run.attack('fork-bomb');

    expect(bomb.outcome).toBe('failed');
    expect(bomb.errorMessage).toMatch(/^step "transform" did not finish: timed out after 5s \(process limit of 64 reached \(\d+ forks? refused\)\)$/);
  });

  it('memory hog: killed at sandbox.memory, with that reason', () => {
    expect(run.attack('memory-hog')).toMatchObject({
      outcome: 'failed',
      errorMessage: 'step "transform" did not finish: killed: memory limit of 64MiB reached (out-of-memory kill)',
    });
  });

  it('kill -9 -1 reaches nothing outside the sandbox', () => {
    expect(hostSleeper.exitCode).toBeNull();
    expect(hostSleeper.signalCode).toBeNull();
    expect(() => process.kill(hostSleeper.pid as number, 0)).not.toThrow();
    // Inside, the step's own shell survives (kill -1 spares the caller), and pid 1 cannot be signalled.
    expect(run.attack('kill-all').outcome).toBe('pushed');
  });

  it('sleeping forever: stopped by the step timeout', () => {
    expect(run.attack('sleep-forever')).toMatchObject({ outcome: 'failed', errorMessage: 'step "transform" did not finish: timed out after 5s' });
  });

  it('endless output: the host keeps only head and tail, and records that it was cut', () => {
    const db = new Database(run.dbPath, { readonly: true });
    const row = db
      .prepare("SELECT s.truncated, length(s.stdout) AS kept FROM step_results s JOIN tasks t ON t.id = s.task_id WHERE t.repo_key LIKE '%/attack-endless-output.git'")
      .get() as { truncated: number; kept: number };
    db.close();

    expect(run.attack('endless-output').outcome).toBe('failed');
    expect(row.truncated).toBe(1);
    expect(row.kept).toBeLessThan(70 * 1024);
    expect(run.attack('endless-output').log).toMatch(/bytes of output cut by fleetmod/);
  });

  it('no process of any sandbox is left on the host, and every sandbox cgroup is gone', async () => {
    const logs = [...run.repos.values()].map((r) => r.log);
    const { ids, uids } = sandboxesIn(logs);

    expect(ids).toHaveLength(12);
    // By uid (root runs drop to per-sandbox uids) and by name (every attack process carries the marker), so the
    // check means something in both sandbox modes.
    expect(await processesOf(uids)).toEqual([]);
    expect(await processesNamed(MARKER)).toEqual([]);
    expect(await leftoverCgroups(ids)).toEqual([]);
    expect(run.attack('outlive-step').outcome).toBe('pushed');
  });

  it('every ordinary repo after an attack got its change', async () => {
    await expectOrdinaryReposChanged(run);
  });
});
