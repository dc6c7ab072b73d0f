/**
 * The GitHub write budget is GitHub's content-creation limit as fleetmod keeps it, and GitHub counts a window of
 * the past, not a process: a run stopped and resumed (or a new run started) within the window must not start with
 * an empty budget, or the writes of the stopped process and of the new one add up beyond GitHub's limit.
 */
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { startForge } from '../../support/forge/forge.js';
import { writeForgeJob } from '../../support/forge/job.js';
import { tempDir } from '../../support/temp.js';

const TOKEN = 'ghp_budgetResumeToken00000000000000000031';
/** The "hour" of the budget, shrunk. */
const WINDOW_MS = 8_000;

describe('the GitHub write budget across a stop and a resume', () => {
  it('counts the writes the stopped process made: the resumed run waits for them to leave the window', { timeout: 120_000 }, async () => {
    const forge = await startForge();
    forge.state.addUser('fleetmod-bot', TOKEN);
    const names = ['a', 'b', 'c'];
    for (const name of names) await forge.createRepo({ owner: 'acme', name });
    const dir = await tempDir();
    // One write per repository (the PR: no labels, reviewers or assignees); two writes per window.
    await writeForgeJob(dir, 'job.yaml', forge, {
      repos: names.map((n) => `acme/${n}`),
      pr: { title: 'Rename fetchData()', body: 'Automated.' },
      limits: { concurrency: 3, 'github-writes': 100, 'github-writes-per-hour': 2 },
    });
    const pacing = JSON.stringify({ writeGapMs: 0, notificationGapMs: 0, retryBaseMs: 50, secondaryFallbackSeconds: 1, hourMs: WINDOW_MS });
    const env = testEnv({ GITHUB_TOKEN: TOKEN, FLEETMOD_GITHUB_PACING: pacing });

    const first = captureIo(dir, env);
    const stopped = cli(first, 'run', 'job.yaml');
    // Two PRs opened, the third waits for the budget: stop the process there (a second Ctrl-C ends every wait).
    for (let i = 0; i < 600 && !/write budget of the hour is used up/.test(first.out()); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(first.out(), first.out() + first.err()).toMatch(/write budget of the hour is used up \(2 requests\)/);
    first.signal('SIGINT');
    first.signal('SIGINT');
    await stopped;
    expect(forge.pulls()).toHaveLength(2);

    const resumed = captureIo(dir, env);
    const code = await cli(resumed, 'run', 'job.yaml');

    expect(code, resumed.out() + resumed.err()).toBe(0);
    expect(forge.pulls()).toHaveLength(3);
    expect(forge.monitor.writes()).toHaveLength(3);
    // Within any window, still at most two writes: the third PR waited for the first two to leave it.
    expect(forge.monitor.maxWritesWithin(WINDOW_MS)).toBeLessThanOrEqual(2);
    expect(resumed.out()).toMatch(/write budget of the hour is used up \(2 requests\); waiting \d+s/);
    expect(forge.monitor.violations).toEqual([]);
  });
});
