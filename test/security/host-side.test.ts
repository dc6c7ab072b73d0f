/**
 * Attacks on what the host does with a sandbox's result: git hooks, core.fsmonitor and hooksPath planted for the
 * host's git to run, a nested repository with hostile config, symbolic links to host files, a setuid binary,
 * fifos and sockets. One fleetmod run (plus a direct check of host git); each attack is followed by an ordinary
 * repo that must still get its change.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { DROP_UID_BASE } from '../../src/sandbox/local/capabilities.js';
import { expectOrdinaryReposChanged, makeRunRoot, runAttacks, type AttackRun } from './support/attack-run.js';
import { git } from '../support/git.js';
import { checkout } from '../support/sandbox.js';
import { tempDir } from '../support/temp.js';

let run: AttackRun;
let hookCanary: string;
let linkCanary: string;

beforeAll(async () => {
  const root = await makeRunRoot();
  hookCanary = path.join(root, 'hook-ran');
  linkCanary = path.join(root, 'host-secret.txt');
  await writeFile(linkCanary, 'host secret\n');
  const touch = `#!/bin/sh\ntouch ${hookCanary}\n`;
  run = await runAttacks({
    root,
    attacks: [
      {
        name: 'plant-git',
        script: [
          'set +e',
          '{',
          `  printf '${touch.replaceAll('\n', '\\n')}' > .git/hooks/post-commit && echo "WROTE hook" || echo "refused hook"`,
          `  git config core.fsmonitor "touch ${hookCanary}" && echo "WROTE fsmonitor" || echo "refused fsmonitor"`,
          '  git config core.hooksPath /workspace/hooks && echo "WROTE hooksPath" || echo "refused hooksPath"',
          `  git config filter.evil.clean "touch ${hookCanary}" && echo "WROTE filter" || echo "refused filter"`,
          // Hooks in the worktree: files like any other (a nested repository is refused: nested-repository.test.ts).
          `  mkdir -p hooks && printf '${touch.replaceAll('\n', '\\n')}' > hooks/pre-commit && chmod +x hooks/pre-commit`,
          "  printf '* filter=evil diff=evil\\n' > .gitattributes",
          '} > planted.txt 2>&1',
        ].join('\n'),
      },
      { name: 'symlink', script: `ln -s ${linkCanary} leak-canary\nln -s /etc/shadow leak-shadow\nln -s ../../../../etc/passwd leak-relative` },
      {
        name: 'setuid',
        script: [
          'cp /bin/sh rootsh && chmod 4755 rootsh && chmod g+s .',
          'stat -c "%u %a" rootsh > inside.txt',
          'chown 0:0 rootsh 2>> inside.txt || echo "chown refused" >> inside.txt',
          'mkfifo pipe',
          "python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"sock\")' 2>/dev/null || true",
        ].join('\n'),
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await run?.cleanup();
});

describe('attacks on the host side of the result, run by fleetmod', () => {
  it('planted hooks, fsmonitor, hooksPath and filters never run on the host', async () => {
    const attack = run.attack('plant-git');
    const planted = await attack.file('planted.txt');

    expect(planted).toMatch(/refused hook/);
    expect(planted).toMatch(/refused fsmonitor/);
    expect(planted).toMatch(/refused hooksPath/);
    expect(planted).toMatch(/refused filter/);
    expect(planted).not.toMatch(/WROTE/);
    expect(attack.outcome, attack.errorMessage ?? '').toBe('pushed');
    expect(await git(attack.bare, 'ls-tree', 'fleetmod/attack-suite', 'hooks/pre-commit')).toMatch(/^100755 blob /);
    expect(existsSync(hookCanary)).toBe(false);
  });

  it('a symbolic link to a host file fails the repo with the link named; nothing is pushed or read', async () => {
    const attack = run.attack('symlink');

    expect(attack.outcome).toBe('failed');
    expect(attack.errorMessage).toBe(
      `the change adds symbolic links pointing outside the repository (leak-canary → ${linkCanary}, leak-relative → ../../../../etc/passwd, leak-shadow → /etc/shadow); refusing to commit it (links are never followed on the host)`,
    );
    expect(attack.pushed).toBe(false);
    expect(await readFile(linkCanary, 'utf8')).toBe('host secret\n');
  });

  it('a setuid binary is scrubbed, fifos and sockets are deleted, and nothing the sandbox made belongs to root', async () => {
    const attack = run.attack('setuid');
    const inside = await attack.file('inside.txt');

    expect(attack.outcome, attack.errorMessage ?? '').toBe('pushed');
    expect(attack.log).toContain('result: cleared setuid/setgid bits on rootsh');
    expect(attack.log).toContain('result: deleted fifo pipe (special files are never part of a change)');
    if (process.getuid?.() === 0) {
      // Inside, the file belongs to the sandbox's own unprivileged uid, and giving it to root is refused.
      const [uid, mode] = inside.split('\n')[0]?.split(' ') ?? [];
      expect(Number(uid)).toBeGreaterThanOrEqual(DROP_UID_BASE);
      expect(mode).toBe('4755');
      expect(inside).toMatch(/Operation not permitted|chown refused/);
    }
    expect(await git(attack.bare, 'ls-tree', 'fleetmod/attack-suite', 'rootsh')).toMatch(/^100755 blob /);
    expect(await git(attack.bare, 'ls-tree', '--name-only', 'fleetmod/attack-suite')).not.toMatch(/^(pipe|sock)$/m);
  });

  it('every ordinary repo after an attack got its change', async () => {
    await expectOrdinaryReposChanged(run);
  });
});

describe('host git with a hostile .git (as if a sandbox could have written it)', () => {
  it('runs no hook, hooksPath, fsmonitor or external diff while taking, applying, committing, pushing and fetching a change', async () => {
    const repo = await checkout({ 'a.txt': 'a\n' });
    const canary = path.join(await tempDir(), 'ran');
    const script = `#!/bin/sh\necho "$0" >> ${canary}\n`;
    const hostile = path.join(repo, 'hostile-hooks');
    await mkdir(hostile);
    for (const dir of [path.join(repo, '.git', 'hooks'), hostile]) {
      for (const hook of ['pre-commit', 'post-commit', 'commit-msg', 'post-checkout', 'reference-transaction', 'post-index-change', 'pre-push']) {
        await writeFile(path.join(dir, hook), script);
        await chmod(path.join(dir, hook), 0o755);
      }
    }
    await git(repo, 'config', 'core.hooksPath', hostile);
    await git(repo, 'config', 'core.fsmonitor', path.join(hostile, 'pre-commit'));
    await git(repo, 'config', 'diff.external', path.join(hostile, 'pre-commit'));
    await writeFile(path.join(repo, 'a.txt'), 'changed\n');
    const hostGit = createHostGit({ env: process.env });

    const diff = await hostGit.worktreeDiff(repo);
    const base = await hostGit.headSha(repo);
    const sha = await hostGit.commitDiff(repo, { base, diff, branch: 'change', message: 'change', author: { name: 'fleetmod', email: 'f@example.com' }, time: Date.now() });

    // The push is a directly spawned git (pre-push), the fetch one through simple-git (reference-transaction).
    const remote = path.join(await tempDir(), 'remote.git');
    await git(path.dirname(remote), 'init', '--quiet', '--bare', remote);
    await hostGit.push(repo, remote, 'change', sha, { expectedRemoteSha: null });
    const fetched = await hostGit.fetchBranch(repo, remote, 'change');

    expect(diff).toContain('+changed');
    expect(await git(repo, 'show', `${sha}:a.txt`)).toBe('changed\n');
    expect(fetched).toBe(sha);
    expect(existsSync(canary)).toBe(false);
    await rm(canary, { force: true });
  });
});
