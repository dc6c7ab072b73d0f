import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli } from '../support/cli.js';
import { demoFixture } from '../support/demo-fixture.js';
import { buildReportFixture, CURRENT_RUN, PREVIOUS_RUN } from '../support/report-fixture.js';
import { tempDir } from '../support/temp.js';
import { findAll, parseXml } from '../support/xml.js';

async function journal(): Promise<{ dir: string; db: string; store: ReturnType<typeof buildReportFixture>['store'] }> {
  const dir = await tempDir();
  const fixture = buildReportFixture(dir);
  return { dir, db: fixture.dbPath, store: fixture.store };
}

describe('fleetmod report', () => {
  it('prints the latest run by default and any past run by id, in every format', async () => {
    const { dir, db, store } = await journal();
    store.close();

    const text = captureIo(dir);
    expect(await cli(text, 'report', '--db', db)).toBe(0);
    const json = captureIo(dir);
    expect(await cli(json, 'report', PREVIOUS_RUN, '--format', 'json', '--db', db)).toBe(0);
    const junit = captureIo(dir);
    expect(await cli(junit, 'report', 'latest', '-f', 'junit', '--db', db)).toBe(0);
    const markdown = captureIo(dir);
    expect(await cli(markdown, 'report', CURRENT_RUN, '--format', 'markdown', '--db', db)).toBe(0);

    expect(text.out()).toContain(`fleetmod run ${CURRENT_RUN} — job rename-fetchdata`);
    expect(text.out()).toMatch(/failed\s+4\s+\(2 permanent, 1 transient, 1 edited by a human\)/);
    expect(JSON.parse(json.out()).run.id).toBe(PREVIOUS_RUN);
    expect(findAll(parseXml(junit.out()), 'testcase')).toHaveLength(15);
    expect(markdown.out()).toContain('### Failures (4 groups)');
    expect(text.err() + json.err() + junit.err() + markdown.err()).toBe('');
  });

  it('of a run that is not running is the same whenever it is made (the same journal gives the same report)', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const make = async (format: string) => {
      const io = captureIo(dir);
      expect(await cli(io, 'report', PREVIOUS_RUN, '--format', format, '--db', db), io.err()).toBe(0);
      return io.out();
    };
    const all = async () => ({ json: await make('json'), markdown: await make('markdown'), html: await make('html') });

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.UTC(2026, 0, 1, 8, 0));
      const morning = await all();
      vi.setSystemTime(Date.UTC(2026, 5, 1, 17, 31));
      const months = await all();

      expect(months).toEqual(morning);
      expect(JSON.parse(morning.json).generatedAt).toBe(JSON.parse(morning.json).run.finishedAt);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the commands it suggests name the journal it was read from', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const report = captureIo(dir);
    const show = captureIo(dir);

    expect(await cli(report, 'report', CURRENT_RUN, '--db', db)).toBe(0);
    expect(await cli(show, 'show', CURRENT_RUN, 'acme/slow', '--db', db)).toBe(0);

    expect(report.out()).toContain(`continue with: fleetmod resume ${CURRENT_RUN} --db ${db}\n`);
    expect(report.out()).toContain(`fleetmod show ${CURRENT_RUN} REPO [--diff] [--log] --db ${db}\n`);
    expect(show.out()).toContain(`fleetmod show ${CURRENT_RUN} acme/slow --log --db ${db}`);
  });

  it('reads only the start of a big candidate diff, except for --format json --diffs', async () => {
    const { dir, db, store } = await journal();
    const cliTask = store.listTasks(CURRENT_RUN).find((t) => t.repo.key === 'acme/cli')!;
    const big = `--- a/big\n+++ b/big\n@@ -0,0 +1,3000 @@\n${'+a line of a big generated file\n'.repeat(3_000)}`;
    for (const [position, name] of ['one', 'two'].entries()) {
      store.addCandidate({ taskId: cliTask.id, attempt: 1, position, name, status: 'passed', score: null, diff: big, filesChanged: 1, insertions: 3_000, deletions: 0, sandboxSeconds: 1, durationMs: 1, detail: null, chosen: position === 0, at: 0 });
    }
    store.close();
    const json = captureIo(dir);
    const html = captureIo(dir);

    expect(await cli(json, 'report', '--format', 'json', '--diffs', '--db', db)).toBe(0);
    expect(await cli(html, 'report', '--format', 'html', '--db', db)).toBe(0);

    expect(big.length).toBeGreaterThan(50_000);
    const candidates = (JSON.parse(json.out()) as { repos: { key: string; candidates?: { diff: string; diffTruncated: boolean }[] }[] }).repos.find((r) => r.key === 'acme/cli')!.candidates!;
    expect(candidates.map((c) => [c.diff === big, c.diffTruncated])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(html.out()).toContain(`Only the start of this diff is in the report. fleetmod show ${CURRENT_RUN} acme/cli --candidate two --db ${db} prints all of it.`);
  });

  it('--diffs with a format other than json is refused (exit 2) instead of silently leaving the diffs out', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const markdown = captureIo(dir);
    const html = captureIo(dir);

    expect(await cli(markdown, 'report', '--format', 'markdown', '--diffs', '--db', db)).toBe(2);
    expect(await cli(html, 'report', '--format', 'html', '--diffs', '--db', db)).toBe(2);

    expect(markdown.out()).toBe('');
    expect(markdown.err()).toBe('fleetmod: --diffs works with --format json only; fleetmod show RUN REPO --diff prints one\n');
    expect(html.err()).toContain('--diffs works with --format json only; the HTML report shows each diff already');
  });

  it('--out writes the file (folders made as needed) and says where', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const io = captureIo(dir);

    const code = await cli(io, 'report', '--format', 'html', '--out', 'reports/today.html', '--db', db);

    const file = path.join(dir, 'reports', 'today.html');
    expect(code).toBe(0);
    expect(io.out()).toBe(`Wrote the html report of run ${CURRENT_RUN} to ${file}\n`);
    expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('--out that cannot be written is a usage error naming why, also under a filesystem that refuses every folder', async () => {
    const { dir, db, store } = await journal();
    store.close();
    await mkdir(path.join(dir, 'a-folder'));
    const intoFolder = captureIo(dir);
    const underProc = captureIo(dir);

    expect(await cli(intoFolder, 'report', '--out', 'a-folder', '--db', db)).toBe(2);
    // Node's recursive mkdir never returns for a path like this one.
    expect(await cli(underProc, 'report', '--out', '/proc/fleetmod-nope/report.txt', '--db', db)).toBe(2);

    expect(intoFolder.err()).toContain(`cannot write the report to ${path.join(dir, 'a-folder')}: it is a folder`);
    expect(underProc.err()).toContain('cannot write the report to /proc/fleetmod-nope/report.txt');
  });

  it('a --db that is not a journal (a report, a damaged file) is a usage error, not a crash', async () => {
    const dir = await tempDir();
    const notJournal = path.join(dir, 'report.json');
    await writeFile(notJournal, '{"this is": "a report, not a journal"}\n'.repeat(200));
    const results = [] as { code: number; err: string }[];
    for (const command of [['report'], ['runs'], ['status'], ['runs', '--json']]) {
      const io = captureIo(dir);
      results.push({ code: await cli(io, ...command, '--db', notJournal), err: io.err() });
    }

    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.err).toContain(`cannot use ${notJournal} as the journal: file is not a database`);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('an unknown format or run is a usage error that says what exists', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const badFormat = captureIo(dir);
    const badRun = captureIo(dir);
    const noJournal = captureIo(dir);

    expect(await cli(badFormat, 'report', '--format', 'pdf', '--db', db)).toBe(2);
    expect(await cli(badRun, 'report', 'nope', '--db', db)).toBe(2);
    expect(await cli(noJournal, 'report', '--db', path.join(dir, 'none.db'))).toBe(2);

    expect(badFormat.err()).toContain('text, markdown, html, json, junit');
    expect(badRun.err()).toContain(`run nope is not in the journal; recent runs: ${CURRENT_RUN} (rename-fetchdata), ${PREVIOUS_RUN} (rename-fetchdata)`);
    expect(noJournal.err()).toContain('no journal at');
  });
});

describe('fleetmod show', () => {
  it('shows one repo: outcome, error, stage timings, commands, the failing output and where the log is', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const io = captureIo(dir);

    const code = await cli(io, 'show', CURRENT_RUN, 'search', '--db', db);

    const out = io.out();
    expect(code).toBe(0);
    expect(out).toContain('acme/search\n');
    expect(out).toContain('result:   failed (permanent); last stage steps; 1 attempt');
    expect(out).toContain(`error:    step "build" exited with code 2: src/search/index.ts(14,3): error TS2304: Cannot find name 'fetchData'.`);
    expect(out).toMatch(/02:00:29 {2}clone {4}succeeded {5}1\.5s/);
    expect(out).toMatch(/02:00:31 {2}steps {4}failed {8}3\.0s {2}step "build" exited with code 2/);
    expect(out).toContain('attempt 1  step   build: failure, exit 2, 2.1s');
    expect(out).toContain("  | src/search/index.ts(14,3): error TS2304: Cannot find name 'fetchData'.\n  | Found 1 error.");
    expect(out).toContain(`log:  /srv/fleetmod/runs/${CURRENT_RUN}/logs/acme__search.log  (fleetmod show ${CURRENT_RUN} acme/search --log --db ${db})`);
    expect(out).not.toContain('\u001b');
  });

  it('finds a repo by key, display name, name or a unique part; an ambiguous or unknown one is a usage error', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const show = async (query: string) => {
      const io = captureIo(dir);
      const code = await cli(io, 'show', 'latest', query, '--db', db);
      return { code, out: io.out(), err: io.err() };
    };

    expect((await show('acme/api')).out).toMatch(/^acme\/api\n/);
    expect((await show('acme/billing <b>&</b>')).out).toMatch(/^acme\/billing <b>&<\/b> {2}\(acme\/billing\)\n/);
    expect((await show('archive')).out).toMatch(/^acme\/archive\n/);
    expect((await show('PAYM')).out).toMatch(/^acme\/payments\n/);
    const ambiguous = await show('acme/');
    const unknown = await show('zzz');

    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('"acme/" matches 15 repos of run');
    expect(ambiguous.err).toContain('… and 5 more; be more specific');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no repo of run 20240602-020000-bbbb matches "zzz" (15 repos in the run)');
  });

  it('--diff prints the stored patch exactly (pipeable), stripped of terminal escapes only on a terminal', async () => {
    const { dir, db, store } = await journal();
    const stored = store.listTasks(CURRENT_RUN).find((t) => t.repo.key === 'acme/api')!.diff!;
    store.close();
    const piped = captureIo(dir);
    const tty = { ...captureIo(dir), isTTY: true };
    let ttyOut = '';
    tty.stdout = (t) => {
      ttyOut += t;
    };
    const none = captureIo(dir);
    const unchanged = captureIo(dir);

    expect(await cli(piped, 'show', CURRENT_RUN, 'acme/api', '--diff', '--db', db)).toBe(0);
    expect(await cli(tty, 'show', CURRENT_RUN, 'acme/api', '--diff', '--db', db)).toBe(0);
    expect(await cli(none, 'show', CURRENT_RUN, 'new-thing', '--diff', '--db', db)).toBe(2);
    // An unchanged repo's journaled diff is empty: no patch either, so `--diff | git apply` stops there too.
    expect(await cli(unchanged, 'show', CURRENT_RUN, 'acme/web', '--diff', '--db', db)).toBe(2);

    expect(piped.out()).toBe(stored);
    expect(stored).toContain('\u001b[31m');
    expect(ttyOut).toBe(stored.replace(/\u001b\[\d+m/g, ''));
    expect(none.err()).toContain('acme/new-thing has no diff in run');
    expect(unchanged.out()).toBe('');
    expect(unchanged.err()).toContain(`acme/web has no diff in run ${CURRENT_RUN} (unchanged)`);
  });

  it('--log --diff on a repo without a diff prints the log and says under the diff\'s header that there is none', async () => {
    const { dir, db } = await journal();
    const io = captureIo(dir);

    const code = await cli(io, 'show', CURRENT_RUN, 'new-thing', '--log', '--diff', '--db', db);

    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^==> log of acme\/new-thing\n/);
    expect(io.out()).toMatch(/\n\n==> diff of acme\/new-thing\n\(acme\/new-thing has no diff in run \S+ \(\S+\)\)\n$/);
  });

  it('best of N: the candidates table with the chosen one and why; --candidate NAME prints that candidate\'s diff', async () => {
    const { dir, db, store } = await journal();
    const api = store.listTasks(CURRENT_RUN).find((t) => t.repo.key === 'acme/api')!;
    const stored = store.listCandidates(api.id);
    store.close();
    const run = async (...args: string[]) => {
      const io = captureIo(dir);
      const code = await cli(io, 'show', CURRENT_RUN, ...args, '--db', db);
      return { code, out: io.out(), err: io.err() };
    };

    const summary = await run('acme/api');
    const quick = await run('acme/api', '--candidate', 'quick');
    const third = await run('acme/api', '--candidate', '3');
    const both = await run('acme/api', '--diff', '--candidate', 'QUICK');
    const unknown = await run('acme/api', '--candidate', 'nope');
    const single = await run('search', '--candidate', 'quick');

    expect(summary.code).toBe(0);
    expect(summary.out).toContain(
      [
        'Candidates (best of 3): careful: the smallest diff (4 changed lines); 2 of 3 passed',
        '    candidate    result         score  diff            time',
        '  ✔ careful      passed             –  2 files +3 -1   9.0s',
        '    quick        passed             –  3 files +10 -4  7.0s',
        '    other-model  verify failed      –  1 file +1 -1    5.0s  verify "tests" exited with code 1: FAIL <b>b.test.ts</b> `x` red',
      ].join('\n'),
    );
    expect(summary.out).toMatch(/verify {3}succeeded {5}2\.0s {2}2 of 3 passed verify \(1 verify failed\)/);
    expect(summary.out).toContain(`candidate diffs: fleetmod show ${CURRENT_RUN} acme/api --candidate quick`);
    expect(quick).toEqual({ code: 0, out: stored[1]!.diff, err: '' });
    expect(third.out).toBe(stored[2]!.diff);
    expect(both.out).toBe(`==> diff of acme/api\n${api.diff}\n==> diff of candidate quick of acme/api\n${stored[1]!.diff}`);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`acme/api in run ${CURRENT_RUN} has no candidate "nope"; its candidates: careful, quick, other-model`);
    expect(single.code).toBe(2);
    expect(single.err).toContain('ran no candidates');
  });

  it('--log prints the journaled log; for a run from before, its log file; when that is gone, the output the journal kept, redacted', async () => {
    const { dir, db, store } = await journal();
    const logFile = path.join(dir, 'logs', 'api.log');
    await mkdir(path.dirname(logFile), { recursive: true });
    await writeFile(logFile, '2024-06-02T02:00:01.000Z attempt 1 of acme/api\nall good\n');
    const tasks = store.listTasks(CURRENT_RUN);
    store.updateTask(tasks.find((t) => t.repo.key === 'acme/api')!.id, { logPath: logFile });
    const web = tasks.find((t) => t.repo.key === 'acme/web')!.id;
    store.appendTaskLog(web, '2024-06-02T02:00:01.000Z attempt 1 of acme/web\n  build | token s3cr3t-token-value\n');
    store.appendTaskLog(web, '2024-06-02T02:00:02.000Z pushed\n');
    store.close();
    const fromLogs = captureIo(dir);
    const fromFile = captureIo(dir);
    const fromJournal = captureIo(dir);

    expect(await cli(fromLogs, 'show', CURRENT_RUN, 'acme/web', '--log', '--db', db)).toBe(0);
    expect(await cli(fromFile, 'show', CURRENT_RUN, 'acme/api', '--log', '--db', db)).toBe(0);
    expect(await cli(fromJournal, 'show', CURRENT_RUN, 'payments', '--log', '--db', db)).toBe(0);

    expect(fromLogs.out()).toBe('2024-06-02T02:00:01.000Z attempt 1 of acme/web\n  build | token ***\n2024-06-02T02:00:02.000Z pushed\n');
    expect(fromFile.out()).toBe('2024-06-02T02:00:01.000Z attempt 1 of acme/api\nall good\n');
    expect(fromJournal.out()).toContain(`(log file /srv/fleetmod/runs/${CURRENT_RUN}/logs/acme__payments.log is gone; output the journal kept of each command:)`);
    expect(fromJournal.out()).toContain('--- attempt 1 step build\n[stderr]\nusing token ***\n');
    expect(fromJournal.out()).not.toContain('s3cr3t-token-value');
  });
});

describe('fleetmod runs', () => {
  it('fits an 80-column terminal, its columns as wide as what is in them', async () => {
    const { dir, db, store } = await journal();
    store.close();
    const io = captureIo(dir);

    expect(await cli(io, 'runs', '--db', db), io.err()).toBe(0);

    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(lines[0]).toBe(`RUN${' '.repeat(19)}JOB${' '.repeat(15)}STATE${' '.repeat(9)}DONE  FAILED  TOOK`);
    expect(lines[1]).toMatch(new RegExp(`^${CURRENT_RUN}  rename-fetchdata  interrupted  14/15       5  \\S+$`));
    expect(lines[2]).toBe('  interrupted: stopped by user');
    expect(lines[3]).toMatch(new RegExp(`^${PREVIOUS_RUN}  rename-fetchdata  finished       7/7       2  \\S+$`));
  });

  it('cuts a long job name, never the mark of a dry run', async () => {
    const dir = await tempDir();
    const db = path.join(dir, 'fleetmod.db');
    const store = openRunStore(db, createRedactor());
    const name = 'upgrade-every-service-to-node-20-and-pnpm-9';
    store.createRun({ id: 'run-1', jobName: name, manifestPath: 'job.yaml', manifestHash: 'x', jobJson: '{}', provider: 'local', dryRun: true, runDir: dir });
    store.setRunStatus('run-1', 'finished');
    store.close();
    const io = captureIo(dir);

    expect(await cli(io, 'runs', '--db', db), io.err()).toBe(0);

    expect(io.out().split('\n')[1]).toMatch(/^run-1  upgrade-every-ser… \(dry run\)  finished   0\/0       0  /);
  });

  it('says under a paused run\'s row why it paused (the canary, limits.max-failures), which decides whether to resume', async () => {
    const dir = await tempDir();
    const db = path.join(dir, 'fleetmod.db');
    const store = openRunStore(db, createRedactor());
    for (const id of ['run-1', 'run-2']) {
      store.createRun({ id, jobName: 'rename', manifestPath: 'job.yaml', manifestHash: 'x', jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
    }
    store.setRunStatus('run-1', 'paused', 'the canary failed: a repository of the first 10 failed');
    store.setRunStatus('run-2', 'interrupted', 'interrupted');
    store.close();
    const io = captureIo(dir);

    expect(await cli(io, 'runs', '--db', db), io.err()).toBe(0);

    const lines = io.out().trimEnd().split('\n');
    const paused = lines.findIndex((l) => l.startsWith('run-1 '));
    expect(lines[paused]).toMatch(/^run-1  rename  paused +0\/0 +0  /);
    expect(lines[paused + 1]).toBe('  paused: the canary failed: a repository of the first 10 failed');
    // A reason that only repeats the state adds no line.
    expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(1);
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
  });
});

describe('a run whose process is gone', () => {
  it('is crashed at once when its owner was on this machine, not only once its heartbeat is 30 s old', async () => {
    const dir = await tempDir();
    const db = path.join(dir, 'fleetmod.db');
    const store = openRunStore(db, createRedactor());
    for (const id of ['run-dead', 'run-alive']) {
      store.createRun({ id, jobName: id, manifestPath: 'job.yaml', manifestHash: id, jobJson: '{}', provider: 'local', dryRun: false, runDir: dir });
    }
    const gone = spawnSync('true').pid;
    store.heartbeat('run-dead', { pid: gone, host: os.hostname() });
    store.heartbeat('run-alive', { pid: process.pid, host: os.hostname() });
    store.close();
    const runs = captureIo(dir);
    const dead = captureIo(dir);
    const alive = captureIo(dir);

    expect(await cli(runs, 'runs', '--json', '--db', db)).toBe(0);
    expect(await cli(dead, 'report', 'run-dead', '--db', db)).toBe(0);
    expect(await cli(alive, 'report', 'run-alive', '--db', db)).toBe(0);

    const states = runs.out().trim().split('\n').map((l) => JSON.parse(l) as { id: string; state: string });
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({ 'run-dead': 'crashed', 'run-alive': 'running' });
    expect(dead.out()).toContain('running? (the process running it seems to have died)');
    expect(alive.out()).not.toContain('seems to have died');
  });
});

describe('fleetmod run writes the HTML and JSON reports into the run folder', () => {
  it('prints their paths after the summary; the JSON follows the schema', async () => {
    const demo = await demoFixture(3);
    const io = captureIo(demo.root);

    expect(await cli(io, 'run', demo.job)).toBe(0);

    const match = /\nReports: (\S+report\.html)\n {9}(\S+report\.json)\n$/.exec(io.out());
    expect(match, io.out()).not.toBeNull();
    const [html, json] = [match![1]!, match![2]!];
    expect(path.dirname(html)).toMatch(new RegExp(`${path.join(demo.root, '.fleetmod', 'runs')}/\\d{8}-\\d{6}-[0-9a-f]{4}$`));
    expect(existsSync(html)).toBe(true);
    const doc = JSON.parse(await readFile(json, 'utf8')) as { headline: { total: number; pushed: number } };
    const ajv = new Ajv2020({ strict: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const validate = ajv.compile(JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as object);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.headline).toMatchObject({ total: 3, pushed: 3 });
    for (const repo of demo.repos) expect(await readFile(html, 'utf8')).toContain(`${repo.name}`);
  });
});
