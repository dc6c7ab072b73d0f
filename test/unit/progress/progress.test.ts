import { describe, expect, it, vi } from 'vitest';
import type { RepoRef } from '../../../src/domain/repo.js';
import { createJsonProgress } from '../../../src/progress/json-lines.js';
import { createLinesProgress } from '../../../src/progress/lines.js';
import { createTtyProgress } from '../../../src/progress/tty.js';

const repo = (name: string): RepoRef => ({ key: `acme/${name}`, url: `https://example.com/acme/${name}.git`, kind: 'git', owner: 'acme', name, display: `acme/${name}`, env: {} });
const started = { runId: 'r1', jobName: 'job', total: 4, alreadyDone: 1, resumed: true, provider: 'local', dryRun: false };

describe('progress renderers', () => {
  it('terminal: finished repos scroll by, the status line shows counts, throughput, ETA and what runs', () => {
    vi.useFakeTimers();
    let now = 0;
    let screen = '';
    const tty = createTtyProgress({ write: (t) => (screen += t), columns: () => 200, now: () => now, redrawEveryMs: 100 });

    tty.runStarted(started);
    tty.taskStarted(repo('a'));
    tty.stageChanged(repo('a'), 'steps');
    now = 60_000;
    tty.taskFinished({ repo: repo('b'), outcome: 'pushed', branch: 'fleetmod/x', durationMs: 1000 });
    tty.taskFinished({ repo: repo('c'), outcome: 'failed', errorClass: 'permanent', message: 'step "s" exited with code 2\nmore', durationMs: 1000 });
    vi.advanceTimersByTime(100);
    const lastLine = screen.slice(screen.lastIndexOf('\n') + 1);
    tty.close();
    vi.useRealTimers();

    expect(screen).toContain('run r1: job, 4 repos, sandbox local (resuming: 1 of 4 already done)\n');
    expect(screen).toContain('✓ pushed acme/b — fleetmod/x\n');
    expect(screen).toContain('✗ failed (permanent) acme/c — step "s" exited with code 2\n');
    expect(lastLine).toBe('[###############-----] 3/4  1 pushed · 1 failed  2.0/min  ETA 30s  ▸ acme/a (steps)');
    expect(screen.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('plain lines: one line per finished repo and a periodic summary line', () => {
    vi.useFakeTimers();
    let out = '';
    const lines = createLinesProgress({ write: (t) => (out += t), summaryEveryMs: 1000, now: () => 5000 });

    lines.runStarted({ ...started, resumed: false, alreadyDone: 0 });
    lines.taskFinished({ repo: repo('a'), outcome: 'unchanged', branch: 'b', durationMs: 1500 });
    lines.taskFinished({ repo: repo('b'), outcome: 'pushed', branch: 'fleetmod/x', durationMs: 1500 });
    vi.advanceTimersByTime(1000);
    lines.close();
    vi.useRealTimers();

    // Nothing was pushed for an unchanged repository: no branch to name.
    expect(out).toContain('[1/4] unchanged acme/a (1.5s)\n');
    expect(out).toContain('[2/4] pushed acme/b — fleetmod/x (1.5s)\n');
    expect(out).toContain('… 2/4 done (1 unchanged, 1 pushed) in 0ms\n');
  });

  it('--json: one parseable event per line, each from run-started on naming its run', () => {
    let out = '';
    const json = createJsonProgress((t) => (out += t), () => 42);

    // A notice can come before the run is chosen (an unfinished run left for a new one): it has no run to name.
    json.notice('warn', 'starting a new run');
    json.runStarted(started);
    json.taskStarted(repo('a'));
    json.stageChanged(repo('a'), 'steps');
    json.taskRetrying(repo('a'), 1, 'network down', 500);
    json.notice('info', 'canary');
    json.taskFinished({ repo: repo('a'), outcome: 'pr-opened', prUrl: 'https://x/pr/1', durationMs: 12.4 });
    json.runFinished({ runId: 'r1', counts: { 'pr-opened': 1 }, durationMs: 50, status: 'finished' });

    expect(out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { event: 'notice', at: 42, level: 'warn', text: 'starting a new run' },
      { event: 'run-started', at: 42, ...started },
      { event: 'task-started', at: 42, runId: 'r1', repo: 'acme/a' },
      { event: 'stage', at: 42, runId: 'r1', repo: 'acme/a', stage: 'steps' },
      { event: 'task-retrying', at: 42, runId: 'r1', repo: 'acme/a', attempt: 1, reason: 'network down', delayMs: 500 },
      { event: 'notice', at: 42, runId: 'r1', level: 'info', text: 'canary' },
      { event: 'task-finished', at: 42, runId: 'r1', repo: 'acme/a', outcome: 'pr-opened', prUrl: 'https://x/pr/1', durationMs: 12 },
      { event: 'run-finished', at: 42, runId: 'r1', counts: { 'pr-opened': 1 }, durationMs: 50, status: 'finished' },
    ]);
  });
});

describe('progress text from outside', () => {
  it('reaches the terminal with secrets censored and without escape sequences', async () => {
    const { cleanTextProgress } = await import('../../../src/progress/clean-text.js');
    const { createRedactor } = await import('../../../src/util/redact.js');
    let out = '';
    const sink = cleanTextProgress(createLinesProgress({ write: (t) => (out += t), summaryEveryMs: 60_000, now: () => 0 }), createRedactor(['tok_abcdef123']));

    sink.runStarted({ ...started, resumed: false, alreadyDone: 0 });
    sink.taskRetrying(repo('a'), 1, 'boom \u001b]0;PWNED\u0007 with tok_abcdef123', 1000);
    sink.taskFinished({ repo: repo('b'), outcome: 'failed', errorClass: 'permanent', message: 'boom \u001b[2J\u001b[H cleared \u001b[31mred', durationMs: 1 });
    sink.notice('warn', 'note \u001b]0;title\u0007 tok_abcdef123');
    sink.close();

    expect(out).toContain('boom  with ***');
    expect(out).toContain('boom  cleared red');
    expect(out).toContain('note  ***');
    expect(out).not.toMatch(/\u001b|\u0007|tok_abcdef123/);
  });
});
