import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHostGit } from '../../../src/git/host-git.js';
import { UnsafeResult, assertSafeDiff, escapes, symlinksInDiff, unquote } from '../../../src/sandbox/shared/diff-safety.js';
import { diskUsage } from '../../../src/sandbox/shared/disk-usage.js';
import { reclaimTree } from '../../../src/sandbox/shared/reclaim.js';
import { checkout } from '../../support/sandbox.js';
import { tempDir } from '../../support/temp.js';

const run = promisify(execFile);

describe('symbolic links in a diff', () => {
  it('are found in real git diffs (new, changed, quoted names) with their targets', async () => {
    const repo = await checkout({ 'a.txt': 'a\n' });
    await symlink('/etc/shadow', path.join(repo, 'leak'));
    await symlink('a.txt', path.join(repo, 'inside'));
    await mkdir(path.join(repo, 'deep'));
    await symlink('../../outside', path.join(repo, 'deep', 'naïve link'));
    const diff = await createHostGit({ env: process.env }).worktreeDiff(repo);

    const links = symlinksInDiff(diff);

    expect(links).toEqual(expect.arrayContaining([
      { path: 'leak', target: '/etc/shadow' },
      { path: 'inside', target: 'a.txt' },
      { path: 'deep/naïve link', target: '../../outside' },
    ]));
    expect(links).toHaveLength(3);
    expect(() => assertSafeDiff(diff)).toThrow(UnsafeResult);
    expect(() => assertSafeDiff(diff)).toThrow('(deep/naïve link → ../../outside, leak → /etc/shadow)');
  });

  it('let a change with links that stay inside the repository through', async () => {
    const repo = await checkout({ 'docs/a.md': 'a\n' });
    await symlink('../docs/a.md', path.join(repo, 'docs', 'b.md'));
    const diff = await createHostGit({ env: process.env }).worktreeDiff(repo);

    expect(() => assertSafeDiff(diff)).not.toThrow();
  });

  it('are judged by their whole target: a line break in it cannot hide an escape', async () => {
    const repo = await checkout({ 'a.txt': 'a\n' });
    await mkdir(path.join(repo, 'a\n'));
    await symlink('a\n/../../../../../../../etc/shadow', path.join(repo, 'evil'));
    const diff = await createHostGit({ env: process.env }).worktreeDiff(repo);

    expect(symlinksInDiff(diff)).toEqual([{ path: 'evil', target: 'a\n/../../../../../../../etc/shadow' }]);
    expect(() => assertSafeDiff(diff)).toThrow('(evil → a\\n/../../../../../../../etc/shadow)');
  });

  it('are refused when a `..` follows a name, which another link can redirect: a chain out of the repository', async () => {
    const repo = await checkout({ 'a.txt': 'a\n' });
    await mkdir(path.join(repo, 'd', 'd', 'd'), { recursive: true });
    // d/d/d/a leads back to the repository's root (allowed by itself); l climbs one more level through it.
    await symlink('../../..', path.join(repo, 'd', 'd', 'd', 'a'));
    await symlink('d/d/d/a/../etc/shadow', path.join(repo, 'l'));
    const diff = await createHostGit({ env: process.env }).worktreeDiff(repo);

    expect(symlinksInDiff(diff).map((l) => l.path).sort()).toEqual(['d/d/d/a', 'l']);
    expect(() => assertSafeDiff(diff)).toThrow('(l → d/d/d/a/../etc/shadow)');
  });

  it('judge targets relative to the link', () => {
    expect(escapes('a/b/link', '../../x')).toBe(false);
    expect(escapes('a/b/link', '../../../x')).toBe(true);
    expect(escapes('link', '/x')).toBe(true);
    // A `..` after a name: the name may be a link, and the text cannot say where that leads (the chain below ends
    // at /etc/shadow on a host that checks the branch out).
    expect(escapes('l', `d/d/d/a/${'../'.repeat(5)}etc/shadow`)).toBe(true);
    expect(escapes('a/link', 'b/../c')).toBe(true);
    expect(escapes('a/link', './../c')).toBe(false);
    expect(escapes('a/b/link', '../../x/./y')).toBe(false);
    expect(escapes('link', 'x/../../y')).toBe(true);
    expect(unquote('"b/na\\303\\257ve\\ttab"')).toBe('b/naïve\ttab');
  });
});

describe('nested repositories in a diff', () => {
  it('are refused, whether a folder with its own .git or a .git file naming a repository elsewhere on the host', async () => {
    const hostRepo = await checkout({ 'secret.txt': 'host\n' });
    const repo = await checkout({ 'a.txt': 'a\n' });
    await run('git', ['init', '-q', path.join(repo, 'nested')]);
    await run('git', ['-C', path.join(repo, 'nested'), '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '--allow-empty', '-m', 'n']);
    await mkdir(path.join(repo, 'pointer'));
    await writeFile(path.join(repo, 'pointer', '.git'), `gitdir: ${path.join(hostRepo, '.git')}\n`);
    const diff = await createHostGit({ env: process.env }).worktreeDiff(repo);

    expect(() => assertSafeDiff(diff)).toThrow(UnsafeResult);
    expect(() => assertSafeDiff(diff)).toThrow('the change adds nested git repositories (nested, pointer: a folder with its own .git)');
  });
});

describe('taking a checkout back from the sandbox', () => {
  it('clears setuid/setgid bits, deletes fifos and sockets, keeps links without following them', async () => {
    const dir = await tempDir();
    const outside = path.join(await tempDir(), 'host-file');
    await writeFile(outside, 'host\n');
    await chmod(outside, 0o4755);
    await writeFile(path.join(dir, 'rootsh'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'rootsh'), 0o6755);
    await run('mkfifo', [path.join(dir, 'pipe')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock'), resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await symlink(outside, path.join(dir, 'link'));

    const report = await reclaimTree(dir, null);

    expect(report.scrubbed).toEqual(['rootsh']);
    expect(report.removed.map((r) => `${r.kind}:${r.path}`).sort()).toEqual(['fifo:pipe', 'socket:sock']);
    expect((await stat(path.join(dir, 'rootsh'))).mode & 0o7777).toBe(0o755);
    expect((await stat(outside)).mode & 0o7777).toBe(0o4755);
    expect(await readFile(path.join(dir, 'link'), 'utf8')).toBe('host\n');
  });

  it.skipIf(process.getuid?.() !== 0)('gives every file back to the host owner (root only: needs chown)', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'f'), 'x');
    await run('chown', ['-R', '1879048200:1879048200', dir]);

    await reclaimTree(dir, { uid: 0, gid: 0 });

    for (const p of [dir, path.join(dir, 'sub'), path.join(dir, 'sub', 'f')]) expect((await stat(p)).uid, p).toBe(0);
  });

  it('measures disk use like du, without .git and counting hard links once', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, '.git', 'big'), Buffer.alloc(1 << 20));
    await writeFile(path.join(dir, 'data'), Buffer.alloc(256 * 1024, 1));
    await run('ln', [path.join(dir, 'data'), path.join(dir, 'data-link')]);

    const bytes = await diskUsage(dir);

    expect(bytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(bytes).toBeLessThan(2 * 256 * 1024);
  });
});
