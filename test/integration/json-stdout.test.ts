/**
 * With --json, stdout carries only JSON (one object per line): what a command says about itself besides goes to
 * stderr, so `fleetmod … --json | jq` never chokes on a sentence.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUILT_MAIN, ensureBuilt } from '../support/built-cli.js';
import { captureIo, cli, hardStopAtFirstStep, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

type Json = Record<string, unknown>;

/** One command of the sweep, run after the rows before it on the same journal. */
interface Row {
  argv: string[];
  exit: number;
  /** `events`: one progress event per line; `lines`: one object per line; `document`: one JSON document. */
  stdout: 'events' | 'lines' | 'document' | 'empty';
  /** What must be said on stderr instead. */
  stderr?: RegExp[];
  /** The steps' sleep (FIXTURE_SLEEP, a secret: changing it changes no step file). @default '0' */
  sleep?: string;
  /** Ctrl-C twice as soon as a repository's steps start. */
  interrupt?: boolean;
  before?: () => Promise<void>;
  /** What the events must say besides. */
  events?: (events: Json[]) => void;
}

/** stdout as the shape the row says, each line (or the whole) parsed; a line that is not JSON fails naming it. */
function parseStdout(out: string, shape: Row['stdout']): Json[] {
  if (shape === 'empty') {
    expect(out).toBe('');
    return [];
  }
  if (shape === 'document') return [JSON.parse(out) as Json];
  expect(out.endsWith('\n'), out).toBe(true);
  return out
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      try {
        return JSON.parse(line) as Json;
      } catch {
        throw new Error(`not a JSON line on stdout: ${line}`);
      }
    });
}

describe('--json keeps stdout to JSON', () => {
  it('runs --json without a journal prints no line on stdout and says why on stderr', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'runs', '--json')).toBe(0);

    expect(io.out()).toBe('');
    expect(io.err()).toContain('no runs yet (no journal at');
  });

  it('demo --json tells about its sample repositories on stderr', async () => {
    const dir = await tempDir();
    const io = captureIo(dir);

    expect(await cli(io, 'demo', '--json', '--no-run'), io.err()).toBe(0);

    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/sample repositories/);
  });

  it("demo's bubblewrap installer shows its output on stderr, not among the events", async () => {
    await ensureBuilt();
    const installer = path.join(path.dirname(BUILT_MAIN), 'commands', 'demo-command.js');
    const script = `const { runInstaller } = await import(${JSON.stringify(installer)}); process.exitCode = await runInstaller(['sh', '-c', 'echo unpacking bubblewrap; echo done >&2']);`;

    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);

    expect(stdout).toBe('');
    expect(stderr).toBe('unpacking bubblewrap\ndone\n');
  });

  it('on every path of every command that takes it: failures, warnings, notices, Ctrl-C, refusals', { timeout: 180_000 }, async () => {
    const fx = await jobFixture({ count: 3, unchangedEvery: 3, secrets: ['FIXTURE_SLEEP'] });
    // A duplicate and a local path that does not exist: the manifest's warnings.
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('repos:\n', 'repos:\n  - ../repos/gone.git\n  - ../repos/service-01.git\n'));
    const control = (extra = '') => fx.control(`sleep "$FIXTURE_SLEEP"${extra}\ncase "$FLEETMOD_REPO_NAME" in service-02) echo "not today" >&2; exit 4;; esac`);
    await control();

    const rows: Row[] = [
      {
        argv: ['run', '--json', fx.job],
        exit: 1,
        stdout: 'events',
        stderr: [/warning: duplicate repository/, /gone\.git does not exist/],
        // A branch is named once pushed, as `status --json` names it: not for a repo that failed in its steps or was unchanged.
        events: (events) => {
          const finished = events.filter((e) => e.event === 'task-finished').map((e) => [path.basename(e.repo as string), e.outcome, e.errorClass, e.branch]);
          expect(finished.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
            ['gone.git', 'failed', 'permanent', undefined],
            ['service-01.git', 'pushed', undefined, 'fleetmod/fixture'],
            ['service-02.git', 'failed', 'permanent', undefined],
            ['service-03.git', 'unchanged', undefined, undefined],
          ]);
        },
      },
      { argv: ['resume', '--json'], exit: 0, stdout: 'empty', stderr: [/^nothing to resume: .* 2 repos failed in it/] },
      { argv: ['retry', 'latest', '--failed', '--json'], exit: 1, stdout: 'events', stderr: [/retrying 2 repos of run/, /gone\.git does not exist/] },
      { argv: ['retry', 'latest', '--outcome', 'skipped', '--json'], exit: 0, stdout: 'empty', stderr: [/^nothing to retry/] },
      { argv: ['status', '--json'], exit: 0, stdout: 'lines' },
      { argv: ['runs', '--json'], exit: 0, stdout: 'lines' },
      { argv: ['plan', '--json', fx.job], exit: 0, stdout: 'document', stderr: [/warning: duplicate repository/] },
      { argv: ['report', '--format', 'json'], exit: 0, stdout: 'document' },
      {
        argv: ['run', '--new', '--json', fx.job],
        sleep: '30',
        interrupt: true,
        exit: 130,
        stdout: 'events',
        // Why it did not finish, as `runs` says it: a consumer tells a Ctrl-C from a canary's pause or a closed window.
        events: (events) => expect(events.find((e) => e.event === 'run-finished')).toMatchObject({ status: 'interrupted', reason: 'stopped by user' }),
      },
      { argv: ['resume', '--json'], exit: 1, stdout: 'events', stderr: [/^Resuming run \S+ of job fixture-job \(interrupted, started .*\): the newest unfinished run\.$/m] },
      { argv: ['run', '--new', '--json', fx.job], sleep: '30', interrupt: true, exit: 130, stdout: 'events' },
      {
        // Its step file changed: the unfinished run is left, with a notice, for a new one.
        before: () => control('\n# changed'),
        argv: ['run', '--json', fx.job],
        exit: 1,
        stdout: 'events',
        events: (events) => expect(events[0]).toMatchObject({ event: 'notice', level: 'warn', text: expect.stringMatching(/is unfinished, but its step files differ from now: starting a new run/) }),
      },
      { argv: ['run', '--json', 'nope.yaml'], exit: 2, stdout: 'empty', stderr: [/nope\.yaml:1:1: file not found/] },
      { argv: ['run', '--json', '-j', '0', fx.job], exit: 2, stdout: 'empty', stderr: [/--concurrency must be a whole number/] },
      { argv: ['resume', 'no-such-run', '--json'], exit: 2, stdout: 'empty', stderr: [/run no-such-run is not in the journal/] },
    ];

    for (const row of rows) {
      await row.before?.();
      const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: row.sleep ?? '0' });
      const io = captureIo(fx.root, env);
      const what = `fleetmod ${row.argv.join(' ')}`;

      expect(await cli(row.interrupt ? hardStopAtFirstStep(io) : io, ...row.argv), `${what}\n${io.err()}`).toBe(row.exit);

      const parsed = parseStdout(io.out(), row.stdout);
      for (const pattern of row.stderr ?? []) expect(io.err(), what).toMatch(pattern);
      if (row.stdout === 'events') {
        // Every event from run-started on names the run; the last says where the reports are.
        const started = parsed.findIndex((e) => e.event === 'run-started');
        expect(started, what).toBeGreaterThanOrEqual(0);
        const runId = parsed[started]!.runId;
        for (const event of parsed.slice(started)) expect(event, what).toMatchObject({ event: expect.any(String), at: expect.any(Number), runId });
        expect(parsed.at(-1)?.event, what).toBe('reports-written');
        row.events?.(parsed);
      }
    }
  });
});
