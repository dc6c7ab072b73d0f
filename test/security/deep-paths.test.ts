/**
 * A step that makes a tree deeper than a path can name (over 4096 bytes from the host's root): the host cannot walk
 * it with paths, so it cannot scrub it. The repo fails, the checkout is removed with everything in it (a setuid
 * copy of a shell at the bottom included), a disk limit counts such a workspace as over the limit, and the next repo
 * is unaffected.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOrdinaryReposChanged, runAttacks, type AttackRun } from './support/attack-run.js';

const exec = promisify(execFile);

/** Twenty folders of 250 characters, entered one by one (each `mkdir` gets a short relative path). */
const DEEP = `d=$(printf 'x%.0s' $(seq 250)); for i in $(seq 20); do mkdir -m 777 "$d" && cd "$d"; done`;

/** What `rm -rf` from coreutils removes at any depth; the runs' own cleanup uses it too. */
async function removeRun(run: AttackRun | undefined): Promise<void> {
  if (run) await exec('rm', ['-rf', '--', run.root]);
}

describe('a tree deeper than a path can name', () => {
  let run: AttackRun;
  beforeAll(async () => {
    run = await runAttacks({ attacks: [{ name: 'deep-setuid', script: `${DEEP}\ncp /bin/sh sh\nchmod 4755 sh\necho deep` }] });
  }, 120_000);
  afterAll(() => removeRun(run));

  it('fails the repo, and leaves no file of it on the host: nothing setuid, no deep folder', async () => {
    const attack = run.attack('deep-setuid');
    expect(attack.outcome).toBe('failed');
    expect(attack.errorMessage).toMatch(/the step left a path longer than the host can name \(4096 bytes\); the checkout is not taken back and is removed/);
    expect(attack.pushed).toBe(false);
    const { stdout: setuid } = await exec('find', [run.root, '-perm', '/6000']);
    expect(setuid).toBe('');
    const { stdout: deep } = await exec('find', [run.root, '-name', 'x'.repeat(250)]);
    expect(deep).toBe('');
    await expectOrdinaryReposChanged(run);
  });
});

describe('a disk limit and a tree deeper than a path can name', () => {
  let run: AttackRun;
  beforeAll(async () => {
    run = await runAttacks({
      sandbox: { disk: '10MiB' },
      stepTimeout: '20s',
      attacks: [{ name: 'deep-disk', script: `${DEEP}\nhead -c 40000000 /dev/zero > big\nsleep 15` }],
    });
  }, 120_000);
  afterAll(() => removeRun(run));

  it('counts the workspace as over the limit while the step runs, instead of as empty', () => {
    const attack = run.attack('deep-disk');
    expect(attack.outcome).toBe('failed');
    expect(`${attack.errorMessage}\n${attack.log}`).toMatch(/disk limit: the workspace cannot be measured \(a path longer than the host can name\), so it counts as more than sandbox\.disk 10 ?MiB/);
    // Stopped by the watcher, long before the step's own 15 s were over.
    expect(attack.log).not.toMatch(/timed out/);
  });
});
