/**
 * Filter programs of the host's git configuration (git-lfs's, typically) never run on the host for fleetmod: not
 * when a repository's `.gitattributes` names them at checkout, and not when a sandbox writes a `.gitattributes`
 * that names them before host git takes the diff. Host git is fleetmod's (createHostGit) with a global git config
 * that defines such a filter, each of whose programs leaves a mark when it runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_FILTER_ATTRIBUTES } from '../../src/git/clone-template.js';
import { createHostGit } from '../../src/git/host-git.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { git } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

/** A global git config whose filter `evil` leaves a mark in `marks` when either of its programs runs. */
async function evilFilterConfig(root: string): Promise<{ config: string; marks: string }> {
  const marks = path.join(root, 'marks');
  await mkdir(marks);
  const config = path.join(root, 'gitconfig');
  await writeFile(
    config,
    ['[filter "evil"]', `\tclean = "touch ${marks}/clean; tr a-z A-Z"`, `\tsmudge = "touch ${marks}/smudge; cat"`, '[user]', '\tname = Dev', '\temail = dev@example.com', ''].join('\n'),
  );
  return { config, marks };
}

describe("the host's git filters", () => {
  it('do not run at checkout nor when the diff is taken, whatever the .gitattributes say', async () => {
    const root = await tempDir('fleetmod-filters-');
    const { config: globalConfig, marks } = await evilFilterConfig(root);
    // The repository itself names the filter for .txt files (as an LFS repository names lfs).
    const seed = path.join(root, 'seed');
    await git(root, 'init', '-q', '-b', 'main', seed);
    await writeFile(path.join(seed, '.gitattributes'), '*.txt filter=evil\n');
    await writeFile(path.join(seed, 'a.txt'), 'pointer-like text\n');
    await git(seed, '-c', 'filter.evil.clean=cat', 'add', '-A');
    await git(seed, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-qm', 'init');
    const bare = path.join(root, 'remote.git');
    await git(root, 'clone', '-q', '--bare', seed, bare);
    const host = createHostGit({ env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: '1' } });

    const work = path.join(root, 'work');
    await host.clone(bare, work, 'main');
    expect(existsSync(path.join(marks, 'smudge'))).toBe(false);
    expect(await readFile(path.join(work, 'a.txt'), 'utf8')).toBe('pointer-like text\n');

    // What a sandboxed step writes: every file through the filter, and a change.
    await writeFile(path.join(work, '.gitattributes'), '* filter=evil\n');
    await writeFile(path.join(work, 'b.js'), 'loadData();\n');
    const diff = await host.worktreeDiff(work);

    expect(existsSync(path.join(marks, 'clean'))).toBe(false);
    expect(diff).toContain('+loadData();');
    expect(diff).not.toContain('LOADDATA');
    expect(diff).not.toMatch(/^diff --git a\/a\.txt/m);
  });

  it('do not run in a fleetmod run whose step names them, and the run keeps its clone template with its journal', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const { config, marks } = await evilFilterConfig(fx.root);
    await fx.control("printf '* filter=evil\\n' > .gitattributes");
    const io = captureIo(fx.root, testEnv({ GIT_CONFIG_GLOBAL: config, FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    expect(await cli(io, 'run', fx.job), io.out() + io.err()).toBe(0);

    expect(await readdir(marks)).toEqual([]);
    expect(await git(fx.repos[0]!.path, 'show', 'fleetmod/fixture:src/client.js')).toContain('loadData');
    expect(await readFile(path.join(fx.root, '.fleetmod', 'git-template', 'info', 'attributes'), 'utf8')).toBe(NO_FILTER_ATTRIBUTES);
  });
});
