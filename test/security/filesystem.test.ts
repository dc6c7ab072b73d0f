/**
 * Attacks on the host's files and secrets: rm -rf /, writes outside /workspace, reading the host's home, /root,
 * /etc/shadow, the fleetmod journal, other secrets, the push token and /proc/1/environ, and publishing the job's
 * own secret. One fleetmod run; each attack is followed by an ordinary repo that must still get its change.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_PUSH_TOKEN, JOB_SECRET, OTHER_SECRET, expectOrdinaryReposChanged, makeRunRoot, runAttacks, type AttackRun } from './support/attack-run.js';
import { journalIntact } from './support/host-checks.js';
import { git } from '../support/git.js';

const TAG = `fleetmod-fs-${process.pid}-${Date.now()}`;
const HOST_TMP_FILE = `/tmp/${TAG}-escaped`;
const CANARY_TEXT = `canary ${TAG}\n`;

let run: AttackRun;
let canary: string;
let hostWritten: string;
let dbPath: string;

beforeAll(async () => {
  // The canary lives next to the run's journal; the attacks are told both host paths.
  const root = await makeRunRoot();
  canary = path.join(root, 'canary.txt');
  hostWritten = path.join(root, 'written-by-sandbox.txt');
  dbPath = path.join(root, '.fleetmod', 'fleetmod.db');
  await writeFile(canary, CANARY_TEXT);
  run = await runAttacks({
    root,
    stepTimeout: '8s',
    attacks: [
      { name: 'rm-rf', script: 'rm -rf / --no-preserve-root' },
      {
        name: 'write-outside',
        script: [
          'try() { if eval "$1" 2>/dev/null; then echo "WROTE: $1"; else echo "refused: $1"; fi; }',
          `for target in /usr/bin/evil /etc/evil /evil /workspace/../evil /root/evil /home/evil .git/hooks/pre-commit .git/config "${hostWritten}" "${canary}"; do`,
          '  try "echo pwned > $target"',
          'done > attempts.txt',
          `echo pwned > ${HOST_TMP_FILE}; echo "private /tmp: $(cat ${HOST_TMP_FILE})" >> attempts.txt`,
        ].join('\n'),
      },
      {
        name: 'read-secrets',
        script: [
          'exec > loot.txt 2>&1',
          'set +e',
          `cat "${canary}"; ls -la /root; cat /root/.bashrc /root/.gitconfig /etc/shadow /etc/gitconfig`,
          'ls -la /home /tmp /run /var 2>&1',
          `cat "${dbPath}"; ls -la "${path.dirname(dbPath)}"`,
          // The job's own secret is in its processes' environment by design; everything else must not be.
          'for f in /proc/*/environ; do echo "== $f"; tr "\\0" "\\n" < "$f" | grep -v "^JOB_SECRET="; done',
          'env | grep -v "^JOB_SECRET="',
          'true',
        ].join('\n'),
      },
      { name: 'publish-secret', script: 'echo "$JOB_SECRET" > stolen.txt' },
    ],
  });
}, 180_000);

afterAll(async () => {
  await run?.cleanup();
  await rm(HOST_TMP_FILE, { force: true });
});

describe('attacks on host files and secrets, run by fleetmod', () => {
  it('rm -rf / fails inside the sandbox and touches nothing on the host', async () => {
    const attack = run.attack('rm-rf');

    expect(attack.outcome).toBe('failed');
    // On a loaded machine the walk over the read-only /usr can outlast the step timeout; either way it fails.
    expect(attack.errorMessage).toMatch(/^step "transform" (exited with code 1: .*(Read-only file system|Permission denied|Device or resource busy)|did not finish: timed out after 8s)/);
    expect(await readFile(canary, 'utf8')).toBe(CANARY_TEXT);
    expect(existsSync('/usr/bin/env')).toBe(true);
    expect(await git(attack.bare, 'ls-tree', '-r', '--name-only', 'main')).toContain('src/index.js');
    expect(journalIntact(run.dbPath).integrity).toBe('ok');
  });

  it('writes outside /workspace are refused (only the private /tmp takes them); the host files are unchanged', async () => {
    const attack = run.attack('write-outside');
    expect(attack.outcome, attack.errorMessage ?? '').toBe('pushed');
    const attempts = await attack.file('attempts.txt');

    expect(attempts.match(/^WROTE: .*/gm)).toBeNull();
    expect(attempts.match(/^refused: /gm)).toHaveLength(10);
    expect(attempts).toContain('private /tmp: pwned');
    expect(existsSync(hostWritten)).toBe(false);
    expect(existsSync(HOST_TMP_FILE)).toBe(false);
    expect(await readFile(canary, 'utf8')).toBe(CANARY_TEXT);
  });

  it('host secrets are out of reach: home, /root, /etc/shadow, the journal, other secrets, the push token, /proc/*/environ', async () => {
    const attack = run.attack('read-secrets');
    expect(attack.outcome, attack.errorMessage ?? '').toBe('pushed');
    const loot = await attack.file('loot.txt');

    expect(loot).not.toContain(CANARY_TEXT.trim());
    expect(loot).toMatch(/ls: cannot access '\/root': No such file or directory/);
    expect(loot).toMatch(/cat: \/etc\/shadow: No such file or directory/);
    expect(loot).toContain(`cat: ${dbPath}: No such file or directory`);
    expect(loot).not.toContain('SQLite format 3');
    expect(loot).not.toContain(FAKE_PUSH_TOKEN);
    expect(loot).not.toContain(OTHER_SECRET);
    expect(loot).not.toContain(JOB_SECRET);
    expect(loot).toMatch(/== \/proc\/1\/environ\n.*Permission denied|== \/proc\/1\/environ\n==/);
  });

  it('the job\'s own secret is refused in the change, so it cannot be published', () => {
    expect(run.attack('publish-secret')).toMatchObject({
      outcome: 'failed',
      errorMessage: 'the change contains the value of a secret (a manifest secret or the push token); refusing to publish it',
      pushed: false,
    });
  });

  it('every ordinary repo after an attack got its change', async () => {
    await expectOrdinaryReposChanged(run);
  });
});
