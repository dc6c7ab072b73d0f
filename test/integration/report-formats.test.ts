import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render-html.js';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { renderReport } from '../../src/report/render.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderText } from '../../src/report/render-text.js';
import { loadRunData } from '../../src/report/run-data.js';
import { summarize } from '../../src/report/summarize.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import type { RunCandidateRecord, TaskRecord } from '../../src/store/types.js';
import { buildReportFixture, CURRENT_RUN, PREVIOUS_RUN, T0, type FixtureOptions } from '../support/report-fixture.js';
import { data, run, task } from '../support/report-records.js';
import { tempDir } from '../support/temp.js';
import { findAll, parseXml } from '../support/xml.js';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../schema/report.schema.json');

async function reportOf(options: FixtureOptions = {}, runId = CURRENT_RUN, now?: number) {
  const fixture = buildReportFixture(await tempDir(), options);
  const data = loadRunData(fixture.store, runId, { now: now ?? fixture.now })!;
  fixture.store.close();
  return summarize(data);
}

async function schemaValidator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  return ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
}

describe('JSON report', () => {
  it('validates against schema/report.schema.json: finished, crashed, with diffs, previous run, empty run', async () => {
    const validate = await schemaValidator();
    const dir = await tempDir();
    const empty = openRunStore(path.join(dir, 'empty.db'), createRedactor());
    empty.createRun({ id: 'r-empty', jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: true, runDir: '/r' });
    const emptyReport = summarize(loadRunData(empty, 'r-empty', { now: Date.UTC(2024, 0, 1) })!);
    empty.close();
    const documents = [
      renderJson(await reportOf({ provider: 'e2b' })),
      renderJson(await reportOf({ crashed: true })),
      renderJson(await reportOf(), { includeDiffs: true }),
      renderJson(await reportOf({}, PREVIOUS_RUN)),
      renderJson(emptyReport),
    ].map((text) => JSON.parse(text) as unknown);

    for (const format of REPORT_FORMATS) expect(renderReport(emptyReport, format).length, format).toBeGreaterThan(0);
    expect(renderText(emptyReport)).toContain('dry run');
    for (const doc of documents) {
      const ok = validate(doc);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the schema check can fail: an unknown outcome or an extra property is rejected', async () => {
    const validate = await schemaValidator();
    const doc = JSON.parse(renderJson(await reportOf())) as { repos: Record<string, unknown>[]; run: Record<string, unknown> };

    doc.repos[0]!.outcome = 'exploded';
    expect(validate(doc)).toBe(false);
    doc.repos[0]!.outcome = 'pr-updated';
    expect(validate(doc)).toBe(true);
    doc.run.surprise = 1;
    expect(validate(doc)).toBe(false);
    delete doc.run.surprise;
    const candidates = doc.repos[0]!.candidates as Record<string, unknown>[];
    candidates[1]!.status = 'maybe';
    expect(validate(doc)).toBe(false);
    candidates[1]!.status = 'passed';
    delete candidates[1]!.chosen;
    expect(validate(doc)).toBe(false);
  });

  it('lists every candidate of a best-of-N repo and the run\'s candidate totals, priced at the job\'s E2B rates', async () => {
    const e2b = JSON.parse(renderJson(await reportOf({ provider: 'e2b' }))) as Record<string, any>;
    const local = JSON.parse(renderJson(await reportOf(), { includeDiffs: true })) as Record<string, any>;

    const api = e2b.repos.find((r: any) => r.key === 'acme/api');
    expect(api.candidates.map((c: any) => [c.name, c.status, c.chosen, c.sandboxSeconds])).toEqual([
      ['careful', 'passed', true, 20],
      ['quick', 'passed', false, 14],
      ['other-model', 'verify-failed', false, 8],
    ]);
    expect(api.candidates[0]).toMatchObject({ diffstat: { files: 2, insertions: 3, deletions: 1 }, durationMs: 9_000, detail: 'careful: the smallest diff (4 changed lines); 2 of 3 passed' });
    expect(api.candidates[1].costUsd).toBeCloseTo(14 * 0.000_05, 9);
    expect(api.candidates[0]).not.toHaveProperty('diff');
    expect(e2b.repos.filter((r: any) => 'candidates' in r).map((r: any) => r.key)).toEqual(['acme/api']);
    expect(e2b.candidates).toEqual({
      repos: 1,
      total: 3,
      byStatus: { passed: 2, 'verify-failed': 1, 'score-failed': 0, 'step-failed': 0, error: 0, cancelled: 0 },
      chosen: 1,
      durationMs: 21_000,
      sandboxSeconds: 42,
      costUsd: 0.0021,
    });
    // Without E2B there is no price; with --diffs each candidate carries its diff, whole.
    const localApi = local.repos.find((r: any) => r.key === 'acme/api');
    expect(local.candidates).toMatchObject({ durationMs: 21_000, sandboxSeconds: 0, costUsd: null });
    expect(localApi.candidates.map((c: any) => c.costUsd)).toEqual([null, null, null]);
    expect(localApi.candidates[1].diff).toContain('+quickLoad(); // </code></pre><img src=x onerror=alert(2)>');
    expect(localApi.candidates[1].diffTruncated).toBe(false);
  });

  it('carries the headline, groups, PR state, comparison and costs', async () => {
    const doc = JSON.parse(renderJson(await reportOf({ provider: 'e2b' }))) as Record<string, any>;

    expect(doc.schema).toBe('fleetmod-report');
    expect(doc.schemaVersion).toBe(1);
    // The run is not running: the report describes its end (02:10), whenever it is made.
    expect(doc.generatedAt).toBe('2024-06-02T02:10:00.000Z');
    expect(doc.headline).toMatchObject({ total: 15, changedWithPr: 2, changedWithoutPr: 1, unchanged: 4, prClosed: 1, verifyFailed: 1, failed: 4, failedTransient: 1, failedPermanent: 2, editedByHuman: 1, skipped: 2, pending: 1, running: 0 });
    const h = doc.headline;
    expect(h.changedWithPr + h.changedWithoutPr + h.unchanged + h.verifyFailed + h.failed + h.skipped + h.pending).toBe(h.total);
    expect(doc.failureGroups[0]).toMatchObject({ count: 2, outcome: 'failed', repos: ['acme/search', 'acme/payments'] });
    expect(doc.failureGroups[0].signature).toBe('step "build" exited with code <n>: <path>(<n>): error TS<n>: Cannot find name <value>.');
    expect(doc.repos.find((r: any) => r.key === 'acme/billing').pullRequest).toMatchObject({ number: 21, state: 'draft', checks: 'pending', review: 'review-required' });
    expect(doc.comparison).toMatchObject({
      previousRunId: PREVIOUS_RUN,
      newlyFixed: [{ key: 'acme/billing', before: 'failed', after: 'pr-opened' }],
      stillFailing: 1,
      prsMerged: [{ key: 'acme/web', number: 12, state: 'merged' }],
      prsClosed: [{ key: 'acme/legacy', number: 13, state: 'closed' }],
      removed: 1,
    });
    expect(doc.comparison.newlyFailing.map((c: any) => c.key)).toEqual(['acme/search', 'acme/payments', 'acme/mobile', 'acme/ui']);
    expect(doc.sandboxUsage.seconds).toBe(618);
    expect(doc.sandboxUsage.costUsd).toBeCloseTo(618 * 0.000_05, 6);
    expect(doc.repos[0]).not.toHaveProperty('diff');
  });
});

describe('JUnit XML', () => {
  it('is well-formed XML with one test case per repo, failures and skips where they belong', async () => {
    const xml = renderJunit(await reportOf());

    const root = parseXml(xml);
    const cases = findAll(root, 'testcase');
    const byName = new Map(cases.map((c) => [c.attrs.name, c]));
    expect(root.name).toBe('testsuites');
    expect(cases).toHaveLength(15);
    expect(findAll(root, 'testsuite')[0]!.attrs).toMatchObject({ tests: '15', failures: '4', skipped: '3', errors: '1' });
    for (const failing of ['acme/search', 'acme/payments', 'acme/infra', 'acme/ui']) {
      expect(findAll(byName.get(failing)!, 'failure'), failing).toHaveLength(1);
    }
    expect(findAll(byName.get('acme/infra')!, 'failure')[0]!.text).toContain('expected <div> & "quotes"');
    // A transient failure (here the push's connection was reset) is an error: the change was never judged.
    expect(findAll(byName.get('acme/mobile')!, 'failure')).toEqual([]);
    expect(findAll(byName.get('acme/mobile')!, 'error')[0]!.attrs.type).toBe('failed (transient)');
    expect(findAll(byName.get('acme/archive')!, 'skipped')[0]!.attrs.message).toBe('repository acme/archive is archived');
    // The run was interrupted: nothing runs this repo until it is resumed, which the message says.
    expect(findAll(byName.get('acme/new-thing')!, 'skipped')[0]!.attrs.message).toBe('not run yet (pending): the run was interrupted (stopped by user)');
    expect(byName.get('acme/billing <b>&</b>')).toBeDefined();
    for (const passing of ['acme/api', 'acme/web', 'acme/cli']) {
      expect(byName.get(passing)!.children.map((c) => c.name), passing).toEqual(['system-out']);
    }
    const apiOut = findAll(byName.get('acme/api')!, 'system-out')[0]!.text;
    expect(apiOut).toContain('best of 3: careful: the smallest diff (4 changed lines); 2 of 3 passed');
    expect(apiOut).toContain('candidates: careful (passed, chosen), quick (passed), other-model (verify failed)');
    expect(findAll(byName.get('acme/web')!, 'system-out')[0]!.text).not.toContain('best of');
  });

  it('a repo a crashed run left mid-way is skipped as pending (nobody runs it), a live run\'s as still running', async () => {
    const crashed = parseXml(renderJunit(await reportOf({ crashed: true })));
    const live = parseXml(renderJunit(await reportOf({ crashed: true }, CURRENT_RUN, T0 + 125_000)));

    const slow = (root: ReturnType<typeof parseXml>) => findAll(root, 'testcase').find((c) => c.attrs.name === 'acme/slow')!;
    expect(findAll(slow(crashed), 'skipped')[0]!.attrs.message).toBe("left mid-way in steps (pending): the run's process died");
    expect(findAll(slow(live), 'skipped')[0]!.attrs.message).toBe('still running (steps) when the report was made');
    // The journal still says running for both; the crashed one says its process died, as the JSON report does.
    const stalled = (root: ReturnType<typeof parseXml>) => findAll(root, 'property').find((p) => p.attrs.name === 'stalled')?.attrs.value;
    expect(stalled(crashed)).toBe('true');
    expect(stalled(live)).toBeUndefined();
  });

  it('a paused run says why (the canary failed) in its properties and in every test case it left pending', () => {
    const reason = 'the canary failed: a repository of the first 3 failed';
    const report = summarize(
      data(run('r1', { status: 'paused', statusReason: reason, finishedAt: null }), [
        task(1, 'r1', 'canary', { outcome: 'failed', errorClass: 'permanent', errorMessage: 'step "x" exited with code 1' }),
        task(2, 'r1', 'waiting', { status: 'pending', outcome: null, stage: null, startedAt: null, finishedAt: null }),
      ]),
    );

    const root = parseXml(renderJunit(report));

    const properties = new Map(findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(properties.get('status')).toBe('paused');
    expect(properties.get('status-reason')).toBe(reason);
    const waiting = findAll(root, 'testcase').find((c) => c.attrs.name === 'acme-corp/waiting')!;
    expect(findAll(waiting, 'skipped')[0]!.attrs.message).toBe(`not run yet (pending): the run paused (${reason})`);
  });

  it('the checker rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/raw "<"/);
    expect(() => parseXml('<a>fish & chips</a>')).toThrow(/entity/);
    expect(() => parseXml('<a>\u0000</a>')).toThrow(/not allowed/);
    expect(() => parseXml('<a x=1/>')).toThrow(/not quoted/);
  });
});

describe('Markdown for a comment', () => {
  it('stays under GitHub\'s 65,536-character comment limit with many distinct failures, pointing to the rest', async () => {
    const dir = await tempDir();
    const store = openRunStore(path.join(dir, 'many.db'), createRedactor());
    store.createRun({ id: 'r-many', jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/r' });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
    store.addTasks('r-many', Array.from({ length: 300 }, (_, i) => ({ key: `o/r${i}`, url: `/r${i}`, kind: 'local' as const, owner: 'o', name: `r${i}`, display: `o/r${i}`, env: {} })));
    for (const t of store.listTasks('r-many')) {
      store.startTask(t.id);
      const reason = `${words[t.position % 10]} ${words[Math.floor(t.position / 10) % 10]} ${words[Math.floor(t.position / 100) % 10]}`;
      store.updateTask(t.id, { logPath: `/r/logs/${'x'.repeat(60)}-${t.position}.log` });
      store.addStepResult({ taskId: t.id, attempt: 1, candidate: 'default', kind: 'step', name: 'go', outcome: 'failure', exitCode: 1, durationMs: 1, stdout: '', stderr: `${reason}\n`.repeat(40), truncated: false, at: 0 });
      store.finishTask(t.id, { outcome: 'failed', errorClass: 'permanent', errorMessage: `step "go" exited with code 1: ${reason}` });
    }
    const report = summarize(loadRunData(store, 'r-many', { now: 0 })!);
    store.close();

    const markdown = renderMarkdown(report);

    expect(report.failureGroups).toHaveLength(300);
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown).toMatch(/_… and \d+ more \(see the HTML or JSON report\)\._/);
  });
});

describe('Markdown for a comment: one budget for the whole document', () => {
  it('every section shares it: 2,000 repos with PRs, pushes, best of N and a long comparison stay under 65,536, ending with a pointer to the HTML report', () => {
    const cur = run('20240602-020000-bbbb');
    const prev = run('20240601-020000-aaaa', { createdAt: T0 - 86_400_000, finishedAt: T0 - 86_000_000 });
    const tasks: TaskRecord[] = [];
    const prevTasks: TaskRecord[] = [];
    const candidates: RunCandidateRecord[] = [];
    const log = (n: string) => `/home/runner/.fleetmod/runs/${cur.id}/logs/acme-corp__${n}.log`;
    for (let i = 0; i < 2000; i += 1) {
      const name = `payments-service-${String(i).padStart(4, '0')}`;
      const kind = i % 5;
      if (kind === 0) tasks.push(task(i, cur.id, name, { outcome: 'failed', errorClass: 'permanent', errorMessage: `step "check-${i % 40}" exited with code 1: module not found`, logPath: log(name) }));
      else if (kind === 1) tasks.push(task(i, cur.id, name, { outcome: 'pr-opened', prNumber: 1000 + i, prUrl: `https://github.com/acme-corp/${name}/pull/${1000 + i}`, prState: 'open', filesChanged: 3, insertions: 12, deletions: 4 }));
      else if (kind === 2) tasks.push(task(i, cur.id, name, { outcome: 'pushed', filesChanged: 3, insertions: 12, deletions: 4 }));
      else tasks.push(task(i, cur.id, name));
      if (kind === 1) {
        for (let p = 0; p < 3; p += 1) {
          const detail = p === 0 ? 'candidate-1: the first candidate that passed; 2 of 3 passed' : p === 2 ? 'verify "tests" exited with code 1: 3 tests failed in src/payments/ledger.test.ts' : null;
          candidates.push({ taskId: i, attempt: 1, position: p, name: `candidate-${p + 1}`, status: p === 2 ? 'verify-failed' : 'passed', score: null, diff: '', diffTruncated: false, filesChanged: 3, insertions: 12, deletions: 4, sandboxSeconds: 0, durationMs: 60_000, detail, chosen: p === 0, at: T0 } as RunCandidateRecord);
        }
      }
      // Yesterday: today's failures passed, today's unchanged failed, and the rest had PRs merged or closed since.
      const before =
        kind === 0 ? task(10_000 + i, prev.id, name, { outcome: 'pr-opened' })
        : kind === 3 ? task(10_000 + i, prev.id, name, { outcome: 'failed', errorClass: 'permanent', errorMessage: 'x' })
        : kind === 4 ? task(10_000 + i, prev.id, name, { outcome: 'pr-opened', prNumber: 10 + i, prUrl: `https://github.com/acme-corp/${name}/pull/${10 + i}`, prState: i % 2 ? 'merged' : 'closed', prMergedAt: i % 2 ? T0 - 1000 : null })
        : task(10_000 + i, prev.id, name);
      prevTasks.push(before);
    }

    const markdown = renderMarkdown(summarize(data(cur, tasks, { candidates, previous: { run: prev, tasks: prevTasks } })));

    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(markdown).toContain('### Since the previous run');
    expect(markdown.trimEnd().split('\n').slice(-3)).toEqual([
      "_Cut to stay under GitHub's 65,536-character comment limit; the HTML report has everything: `fleetmod report 20240602-020000-bbbb --format html --out report.html`._",
      '',
      '<sub>Generated 2024-06-02 03:06 UTC by fleetmod from the run journal.</sub>',
    ]);
  });

  it('a report that fits has no pointer', async () => {
    expect(renderMarkdown(await reportOf())).not.toContain('Cut to stay under');
  });
});

describe('Best of N in text and Markdown', () => {
  it('lists are capped for a run with hundreds of best-of-N repos, pointing to the rest', async () => {
    const dir = await tempDir();
    const store = openRunStore(path.join(dir, 'bon.db'), createRedactor());
    store.createRun({ id: 'r-bon', jobName: 'j', manifestPath: '/j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun: false, runDir: '/r' });
    store.addTasks('r-bon', Array.from({ length: 300 }, (_, i) => ({ key: `o/r${i}`, url: `/r${i}`, kind: 'local' as const, owner: 'o', name: `r${i}`, display: `o/r${i}`, env: {} })));
    for (const t of store.listTasks('r-bon')) {
      store.startTask(t.id);
      for (let position = 0; position < 3; position += 1) {
        const detail = position === 0 ? `careful-${t.position}: the first candidate that passed; 1 of 3 passed` : `verify "tests" exited with code 1: ${'x'.repeat(200)}`;
        store.addCandidate({ taskId: t.id, attempt: 1, position, name: ['careful', 'quick', 'other'][position]!, status: position === 0 ? 'passed' : 'verify-failed', score: null, diff: 'd\n', filesChanged: 1, insertions: 1, deletions: 1, sandboxSeconds: 0, durationMs: 1_000, detail, chosen: position === 0, at: 0 });
      }
      store.finishTask(t.id, { outcome: 'dry-run' });
    }
    const report = summarize(loadRunData(store, 'r-bon', { now: 0 })!);
    store.close();

    const markdown = renderMarkdown(report);
    const text = renderText(report);

    expect(report.candidates).toMatchObject({ repos: 300, total: 900, chosen: 300, durationMs: 900_000 });
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown).toMatch(/### Best of N \(300 repos\)[\s\S]*_… and \d+ more \(see the HTML or JSON report\)\._/);
    expect(text).toContain('Best of N: 900 candidates in 300 repos (300 passed, 600 verify failed), 15m of candidate time');
    expect(text).toContain('  … and 280 more repos\n');
    expect(text).toContain('Lists are cut; the HTML report has everything: fleetmod report r-bon --format html --out report.html\n');
    // A candidate's failure is cut to one short line in the table.
    expect(text).toMatch(/ {2}verify "tests" exited with code 1: x{60,}…\n/);
  });
});

describe('every format', () => {
  it('renders without the secret the store redacted, without raw terminal escapes, and with every repo', async () => {
    const report = await reportOf({ provider: 'e2b' });

    for (const format of REPORT_FORMATS) {
      const out = renderReport(report, format, { includeDiffs: true });
      expect(out, format).not.toContain('s3cr3t-token-value');
      expect(out, format).not.toContain('\u001b');
      expect(out, format).not.toContain('\u0000');
    }
    const html = renderHtml(report);
    for (const r of report.repos) expect(html).toContain(`data-category="${r.category}"`);
  });

  it('JSON: the texts for people (errors, excerpts, failure examples, stage details) are without terminal escapes; diffs stay as journaled', async () => {
    const report = await reportOf({ provider: 'e2b' });
    const colored = (text: string) => `\u001b[31m${text}\u001b[0m`;
    const search = report.repos.find((r) => r.key === 'acme/search')!;
    search.errorMessage = colored(search.errorMessage ?? '');
    report.failureGroups[0]!.example = colored(report.failureGroups[0]!.example);

    const doc = JSON.parse(renderJson(report, { includeDiffs: true }));

    const texts: string[] = [];
    for (const g of doc.failureGroups) texts.push(g.example, g.excerpt ?? '');
    for (const r of doc.repos) {
      texts.push(r.errorMessage ?? '', r.excerpt ?? '', r.skipReason ?? '');
      for (const s of r.stages) texts.push(s.detail ?? '');
      for (const c of r.candidates ?? []) texts.push(c.detail ?? '');
    }
    expect(texts.join('\n')).toContain('Found 1 error.');
    expect(texts.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(doc.repos.find((r: { key: string }) => r.key === 'acme/search').errorMessage).toBe(search.errorMessage.replace(/\u001b\[\d+m/g, ''));
    // The diff is the change as made, for tools that apply it: it keeps its bytes.
    expect(doc.repos.map((r: { diff?: string }) => r.diff ?? '').join('')).toContain('\u001b[31m');
  });

  it('skipped repos whose reasons differ in a number (declined PRs): the group says what they share, each repo its own PR', () => {
    const declined = (n: number, day: string) =>
      `pull request #${n} was closed without merging (${day}); not opened again — set change.on-existing: recreate to open a new one`;
    const report = summarize(
      data(run('r1'), [
        task(1, 'r1', 'billing', { outcome: 'skipped', skipReason: declined(12, '2026-11-20') }),
        task(2, 'r1', 'payments', { outcome: 'skipped', skipReason: declined(345, '2026-10-02') }),
        task(3, 'r1', 'old-a', { outcome: 'skipped', skipReason: 'repository acme-corp/old-a is archived' }),
        task(4, 'r1', 'old-b', { outcome: 'skipped', skipReason: 'repository acme-corp/old-b is archived' }),
      ]),
    );

    const shared = 'was closed without merging (…); not opened again — set change.on-existing: recreate to open a new one';
    expect(renderText(report)).toContain(`  2 × pull request #… ${shared}: acme-corp/billing (#12, 2026-11-20), acme-corp/payments (#345, 2026-10-02)\n`);
    expect(renderText(report)).toContain('  2 × repository … is archived: acme-corp/old-a, acme-corp/old-b\n');
    expect(renderMarkdown(report)).toContain(`- **2 × pull request \\#… ${shared}**: acme-corp/billing (\\#\u200b12, 2026-11-20), acme-corp/payments (\\#\u200b345, 2026-10-02)`);
    expect(renderHtml(report)).toContain(`<li><strong>2 × pull request #… ${shared}</strong>: acme-corp/billing (#12, 2026-11-20), acme-corp/payments (#345, 2026-10-02)</li>`);
    const json = JSON.parse(renderJson(report)) as { skipGroups: { reason: string; count: number }[] };
    expect(json.skipGroups.map((g) => g.reason)).toEqual([`pull request #… ${shared}`, 'repository … is archived']);
  });

  it('says loudly when steps ran without isolation (provider host)', async () => {
    const report = await reportOf({ provider: 'host' });

    expect(renderText(report)).toContain('!!! WARNING: sandbox provider "host": steps ran WITHOUT ISOLATION');
    expect(renderMarkdown(report)).toContain('> [!WARNING]\n> sandbox provider "host": steps ran WITHOUT ISOLATION');
    expect(renderHtml(report)).toMatch(/<div class="banner" role="alert">[^<]*WITHOUT ISOLATION/);
    expect(JSON.parse(renderJson(report)).run.isolated).toBe(false);
    expect(renderText(await reportOf({ provider: 'local' }))).not.toContain('WITHOUT ISOLATION');
  });

  it('a crashed run: stalled, its repos left mid-way pending (nobody runs them now), the way to continue', async () => {
    const report = await reportOf({ crashed: true });
    const text = renderText(report);

    expect(report.run.stalled).toBe(true);
    expect(report.headline).toMatchObject({ pending: 2, running: 0 });
    expect(text).toContain('running? (the process running it seems to have died)');
    expect(text).toMatch(/pending\s+2\n/);
    expect(text).not.toContain('running now');
    // `resume RUN` continues this run itself (a dry run stays one); a journal elsewhere is named in every command.
    expect(text).toContain(`2 repos not finished; continue with: fleetmod resume ${report.run.id}\n`);
    const elsewhere = renderText({ ...report, journalArgs: " --state-dir '/srv/fleet state'" });
    expect(elsewhere).toContain(`continue with: fleetmod resume ${report.run.id} --state-dir '/srv/fleet state'\n`);
    expect(elsewhere).toContain(`fleetmod show ${report.run.id} REPO [--diff] [--log] --state-dir '/srv/fleet state'\n`);
    const html = renderHtml({ ...report, journalArgs: " --state-dir '/srv/fleet state'" });
    expect(html).toContain(`<code>fleetmod show ${report.run.id} REPO --diff --log --state-dir &#39;/srv/fleet state&#39;</code>`);
    // The run ended at its last heartbeat (02:02), not at "now" (02:20): the open stage and the run stop there.
    const slow = report.repos.find((r) => r.key === 'acme/slow')!;
    expect(report.run.durationMs).toBe(120_000);
    expect(slow.durationMs).toBe(200 + 1_500 + 400 + (T0 + 120_000 - slow.stages.at(-1)!.at));
  });

  it('a crashed run\'s report does not grow with the clock it is read at', async () => {
    const at8am = await reportOf({ crashed: true }, CURRENT_RUN, T0 + 20 * 60_000);
    const sixHoursLater = await reportOf({ crashed: true }, CURRENT_RUN, T0 + 6 * 3_600_000);
    const slow = (r: typeof at8am) => r.repos.find((x) => x.key === 'acme/slow')!.durationMs;

    expect(sixHoursLater.run).toMatchObject({ stalled: true, durationMs: at8am.run.durationMs, activeMs: at8am.run.activeMs });
    expect(sixHoursLater.throughputPerMinute).toBe(at8am.throughputPerMinute);
    expect(slow(sixHoursLater)).toBe(slow(at8am));
    expect(sixHoursLater.slowest.map((s) => s.repo.key)).toEqual(at8am.slowest.map((s) => s.repo.key));
  });

  it('a run in progress (fresh heartbeat) is reported as running, its open stage counted up to now', async () => {
    const report = await reportOf({ crashed: true }, CURRENT_RUN, T0 + 125_000);
    const text = renderText(report);

    expect(report.run).toMatchObject({ status: 'running', stalled: false, durationMs: 125_000 });
    expect(text).toMatch(/^running; 15 repos in 2m5s/m);
    expect(text).not.toContain('seems to have died');
    expect(text).not.toContain('continue with');
  });

  it('HTML escapes names, errors, excerpts and diffs: nothing from the journal becomes markup', async () => {
    const html = renderHtml(await reportOf());

    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('acme/billing &lt;b&gt;&amp;&lt;/b&gt;');
    // Best-of-N candidates: their diffs and failure details are text too.
    expect(html).not.toContain('<img');
    expect(html).toContain('+quickLoad(); // &lt;/code&gt;&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('FAIL &lt;b&gt;b.test.ts&lt;/b&gt; `x` red');
    expect(html).not.toMatch(/src="|href="(?!https:\/\/github\.com\/acme\/|file:\/\/\/srv\/|#[a-z0-9-]+")/);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});
