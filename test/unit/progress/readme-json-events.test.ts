/**
 * The README's "JSON output" section is the contract for tools reading `run --json` (a drift guard): its table has a
 * row for every event the JSON emitter prints, naming every field of it, and no row for an event it never prints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RepoRef } from '../../../src/domain/repo.js';
import { STAGES } from '../../../src/domain/stage.js';
import { createJsonProgress, reportsWrittenLine } from '../../../src/progress/json-lines.js';
import type { ProgressSink } from '../../../src/progress/types.js';

const README = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

const start = README.indexOf('\n## JSON output\n');
// The events' part of the section: the status --json table after it is held to its own emitter (readme-status-json).
const section = README.slice(start, README.indexOf('`status --json` prints', start));
/** The table's rows by the event each documents. */
const rows = new Map(
  section
    .split('\n')
    .filter((line) => /^\| `[a-z-]+` \|/.test(line) && !line.includes('| When |'))
    .map((line) => [/^\| `([a-z-]+)`/.exec(line)![1]!, line] as const),
);

const repo: RepoRef = { key: 'acme/a', url: 'https://example.com/acme/a.git', kind: 'git', owner: 'acme', name: 'a', display: 'acme/a', env: {} };

/** Every event method, called with every optional field set: the type makes a new method fail here until added. */
const calls: Record<Exclude<keyof ProgressSink, 'close'>, (sink: ProgressSink) => void> = {
  notice: (s) => s.notice('warn', 'text'),
  runStarted: (s) => s.runStarted({ runId: 'r1', jobName: 'job', total: 2, alreadyDone: 1, resumed: true, provider: 'local', dryRun: false }),
  taskStarted: (s) => s.taskStarted(repo),
  stageChanged: (s) => s.stageChanged(repo, 'steps'),
  taskRetrying: (s) => s.taskRetrying(repo, 1, 'reason', 100),
  taskFinished: (s) =>
    s.taskFinished({ repo, outcome: 'failed', errorClass: 'transient', message: 'm', branch: 'b', branchPushed: true, prUrl: 'https://x/pr/1', durationMs: 5 }),
  runFinished: (s) => s.runFinished({ runId: 'r1', counts: { failed: 1 }, durationMs: 9, status: 'paused', reason: 'the canary failed' }),
};

function emitted(): Record<string, unknown>[] {
  let out = '';
  const sink = createJsonProgress((text) => (out += text));
  for (const call of Object.values(calls)) call(sink);
  out += reportsWrittenLine('r1', { html: '/r/report.html', json: '/r/report.json' });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('README on the JSON events', () => {
  it('documents every event the emitter prints with every field, and no other event', () => {
    const events = emitted();
    // What every event has is said once, above the table.
    const common = ['event', 'at', 'runId'];
    for (const field of common) expect(section).toContain(`\`${field}\``);

    const undocumented = events.flatMap((e) => {
      const row = rows.get(e.event as string);
      if (!row) return [`${e.event as string}: no row`];
      const fields = Object.keys(e).filter((field) => !common.includes(field) || (e.event === 'run-started' && field === 'runId'));
      return fields.filter((field) => !row.includes(`\`${field}\``)).map((field) => `${e.event as string}.${field}`);
    });

    expect(undocumented).toEqual([]);
    expect([...rows.keys()].sort()).toEqual(events.map((e) => e.event).sort());
    expect(STAGES.filter((stage) => !rows.get('stage')!.includes(`\`${stage}\``))).toEqual([]);
  });
});
