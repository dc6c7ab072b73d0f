/**
 * resolveRepos on manifests with a `file:` list next to the job: which listing of a repository named twice is kept,
 * and which spellings of one repository count as the same.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoSlug } from '../../../src/domain/repo.js';
import { parseManifest } from '../../../src/manifest/load.js';
import { parseRepoString } from '../../../src/manifest/repo-string.js';
import { resolveRepos } from '../../../src/manifest/repos.js';
import { tempDir } from '../../support/temp.js';

/** The local repositories the manifests name, as empty folders: a missing one is a warning of its own. */
async function makeRepoFolders(dir: string, names: string[]): Promise<void> {
  for (const name of names) await mkdir(path.join(dir, name));
}

const TAIL = ['steps:', '  - run: echo fixed', 'change:', '  branch: fleetmod/x', '  commit: {message: Fix}', ''];

async function resolve(repoLines: string[], list = './a.git\n') {
  const dir = await tempDir();
  await makeRepoFolders(dir, ['a.git', 'b.git']);
  await writeFile(path.join(dir, 'list.txt'), list);
  const file = path.join(dir, 'job.yaml');
  const loaded = await parseManifest(['name: dupes', 'repos:', ...repoLines, ...TAIL].join('\n'), { file, displayPath: 'job.yaml' });
  if (!loaded.job) throw new Error(JSON.stringify(loaded.errors));
  const resolved = await resolveRepos(loaded.job, { env: {}, displayPath: 'job.yaml' });
  const message = (d: { file: string; line: number; col: number; message: string }) => `${d.file}:${d.line}:${d.col}: ${d.message}`;
  return { ...resolved, dir, errorText: resolved.errors.map(message), warningText: resolved.warnings.map(message) };
}

describe('a repository listed twice', () => {
  it('is skipped when the skip entry comes after a file: list naming it', async () => {
    const r = await resolve(['  - file: list.txt', '  - repo: ./a.git', '    skip: true', '    skip-reason: frozen']);

    expect(r.repos).toEqual([expect.objectContaining({ url: path.join(r.dir, 'a.git'), skip: 'frozen' })]);
    expect(r.errorText).toEqual([]);
    expect(r.warningText).toEqual([`job.yaml:4:5: duplicate repository ${path.basename(r.dir)}/a (also listed at list.txt:1:1); it is skipped, as this entry says`]);
    expect(r.excluded).toEqual([{ display: `${path.basename(r.dir)}/a`, reason: 'duplicate of job.yaml:4:5', origin: { file: 'list.txt', line: 1, col: 1 } }]);
  });

  it('is skipped when the skip entry comes first, and the warning says so', async () => {
    const r = await resolve(['  - repo: ./a.git', '    skip: true', '  - file: list.txt']);

    expect(r.repos).toEqual([expect.objectContaining({ skip: 'skip: true in the manifest' })]);
    expect(r.warningText).toEqual([`list.txt:1:1: duplicate repository ${path.basename(r.dir)}/a (also listed at job.yaml:3:5); it is skipped, as the entry at job.yaml:3:5 says`]);
  });

  it('takes base and env from the entry that gives them, after a plain entry', async () => {
    const r = await resolve(['  - ./a.git', '  - repo: ./a.git', '    base: release', '    env: {A: "1"}']);

    expect(r.repos).toEqual([expect.objectContaining({ base: 'release', env: { A: '1' } })]);
    expect(r.warningText).toEqual([`job.yaml:4:5: duplicate repository ${path.basename(r.dir)}/a (also listed at job.yaml:3:5); it runs once, with the base and env of this entry`]);
  });

  it('is an error at the second entry when both give different settings', async () => {
    const r = await resolve(['  - repo: ./a.git', '    base: release', '  - repo: ./a.git', '    skip: true']);

    expect(r.errorText).toEqual([
      `job.yaml:5:5: repository ${path.basename(r.dir)}/a is also listed at job.yaml:3:5 with a different skip and base; give its settings in one entry`,
    ]);
  });

  it('runs once with a plain warning when neither listing gives settings, or both give the same', async () => {
    const r = await resolve(['  - ./a.git', '  - file: list.txt', '  - repo: ./b.git', '    skip: true', '  - repo: ./b.git', '    skip: true']);

    expect(r.repos).toHaveLength(2);
    expect(r.errorText).toEqual([]);
    expect(r.warningText).toEqual([
      `list.txt:1:1: duplicate repository ${path.basename(r.dir)}/a (also listed at job.yaml:3:5); it runs once`,
      `job.yaml:7:5: duplicate repository ${path.basename(r.dir)}/b (also listed at job.yaml:5:5); it is skipped, as the entry at job.yaml:5:5 says`,
    ]);
  });
});

describe('spellings of one repository', () => {
  it('count as duplicates: trailing .git or /, host case, file:///p and /p, git@host:/path and ssh://, ssh port 22', async () => {
    const dir = await tempDir();
    await makeRepoFolders(dir, ['a.git']);
    const entries = [
      './a.git',
      `${dir}/a.git`,
      `file://${dir}/a.git`,
      `file://${dir}/a.git/`,
      'https://git.example.com/team/svc.git',
      'https://git.example.com/team/svc',
      'https://GIT.example.com:443/team/svc/',
      'git@git.example.com:/team/svc.git',
      'ssh://git@git.example.com/team/svc',
      'ssh://git@git.example.com:22/team/svc',
    ];
    const loaded = await parseManifest(['name: dupes', 'repos:', ...entries.map((e) => `  - ${e}`), ...TAIL].join('\n'), {
      file: path.join(dir, 'job.yaml'),
      displayPath: 'job.yaml',
    });

    const r = await resolveRepos(loaded.job!, { env: {}, displayPath: 'job.yaml' });

    expect(r.repos.map((repo) => repo.url)).toEqual([path.join(dir, 'a.git'), 'https://git.example.com/team/svc.git', 'git@git.example.com:/team/svc.git']);
    expect(r.warnings.map((w) => `${w.line}: ${w.message.replace(/ \(.*/, '')}`)).toEqual([
      `4: duplicate repository ${path.basename(dir)}/a`,
      `5: duplicate repository ${path.basename(dir)}/a`,
      `6: duplicate repository ${path.basename(dir)}/a`,
      '8: duplicate repository git.example.com/team/svc',
      '9: duplicate repository GIT.example.com/team/svc',
      '11: duplicate repository git.example.com/team/svc',
      '12: duplicate repository git.example.com/team/svc',
    ]);
  });

  it('stay apart when they differ in scheme, user or path', async () => {
    const dir = await tempDir();
    await makeRepoFolders(dir, ['a.git', 'a']);
    // git@host:team/svc is team/svc under the user's home on the server; ssh://git@host/team/svc is /team/svc.
    const entries = ['./a.git', './a', 'https://git.example.com/team/svc', 'http://git.example.com/team/svc', 'ssh://deploy@git.example.com/team/svc', 'ssh://git@git.example.com/team/svc', 'git@git.example.com:team/svc'];
    const loaded = await parseManifest(['name: apart', 'repos:', ...entries.map((e) => `  - ${e}`), ...TAIL].join('\n'), { file: path.join(dir, 'job.yaml') });

    const r = await resolveRepos(loaded.job!, { env: {} });

    expect(r.repos).toHaveLength(7);
    expect(r.warnings).toEqual([]);
  });
});

describe('a repository at the top of its host (one path segment)', () => {
  // Its owner was a made-up "git", shared by every such repository on every host: in {{ repo.owner }} (branch names),
  // its state folder's name and the report's `git.example.com/git/tools`.
  it('is owned by its host and shown as host/name', async () => {
    const dir = await tempDir();
    const entries = ['https://git.example.com/tools.git', 'https://git.other.example/tools.git', 'ssh://git@ssh.example:2222/tools.git', 'git@scp.example:tools.git', 'file:///tools.git'];
    const loaded = await parseManifest(['name: top', 'repos:', ...entries.map((e) => `  - ${e}`), ...TAIL].join('\n'), { file: path.join(dir, 'job.yaml') });

    const r = await resolveRepos(loaded.job!, { env: {} });

    expect(r.errors).toEqual([]);
    expect(r.repos.map(({ owner, name, display }) => ({ owner, name, display }))).toEqual([
      { owner: 'git.example.com', name: 'tools', display: 'git.example.com/tools' },
      { owner: 'git.other.example', name: 'tools', display: 'git.other.example/tools' },
      { owner: 'ssh.example', name: 'tools', display: 'ssh.example/tools' },
      { owner: 'scp.example', name: 'tools', display: 'scp.example/tools' },
      // A file: URL is a path on this machine, named as that path is: no folder above it, so "local".
      { owner: 'local', name: 'tools', display: 'local/tools' },
    ]);
    expect(r.repos.map((repo) => repoSlug(repo).replace(/-[0-9a-f]{6}$/, ''))).toEqual([
      'git.example.com__tools',
      'git.other.example__tools',
      'ssh.example__tools',
      'scp.example__tools',
      'local__tools',
    ]);
  });

  it('keeps its owner from the path when it has one, and the host as written', async () => {
    const dir = await tempDir();
    const entries = ['https://Git.Example.com:8443/team/svc.git', 'ssh://git@git.example.com/srv/git/svc.git'];
    const loaded = await parseManifest(['name: owned', 'repos:', ...entries.map((e) => `  - ${e}`), ...TAIL].join('\n'), { file: path.join(dir, 'job.yaml') });

    const r = await resolveRepos(loaded.job!, { env: {} });

    expect(r.repos.map(({ owner, display }) => ({ owner, display }))).toEqual([
      { owner: 'team', display: 'Git.Example.com/team/svc' },
      { owner: 'git', display: 'git.example.com/git/svc' },
    ]);
  });
});

describe('a file: list', () => {
  it('with CR LF line ends drops its comments like one with LF', async () => {
    const r = await resolve(['  - file: list.txt'], '# fleet\r\n./a.git  # the first\r\n\r\n./b.git\r\n');

    expect(r.errorText).toEqual([]);
    expect(r.repos.map((repo) => path.basename(repo.url))).toEqual(['a.git', 'b.git']);
  });
});

describe('a URL that is not a repository', () => {
  it('on the GitHub server, copied from the browser, is refused with the owner/name to write', async () => {
    const r = await resolve(['  - https://github.com/acme/widget/tree/main', '  - https://github.com/acme/widget.git#readme', '  - https://github.com/acme']);

    expect(r.errorText).toEqual([
      'job.yaml:3:5: "https://github.com/acme/widget/tree/main" is a page on https://github.com, not a repository; write acme/widget',
      'job.yaml:4:5: "https://github.com/acme/widget.git#readme" is a page on https://github.com, not a repository; write acme/widget',
      'job.yaml:5:5: "https://github.com/acme" is a page on https://github.com, not a repository; write owner/name',
    ]);
  });

  it.each(['https://github.com', 'https://git.example.com/', 'git@git.example.com:/'])('%s, without a path, names no repository', (value) => {
    expect(parseRepoString(value)).toEqual({ ok: false, error: `"${value}" names no repository: add the repository's path to it` });
  });
});

describe('a local repository', () => {
  it('that is missing or not a folder is a warning at its entry, and still a repository of the run', async () => {
    const dir = await tempDir();
    await makeRepoFolders(dir, ['here.git']);
    await writeFile(path.join(dir, 'file.git'), 'not a repository');
    await writeFile(path.join(dir, 'list.txt'), './listed-missing.git\n');
    const job = ['name: local', 'repos:', '  - ./here.git', '  - ./gone.git', '  - ./file.git', '  - file: list.txt', ...TAIL].join('\n');
    const loaded = await parseManifest(job, { file: path.join(dir, 'job.yaml'), displayPath: 'job.yaml' });

    const r = await resolveRepos(loaded.job!, { env: {}, displayPath: 'job.yaml' });

    expect(r.errors).toEqual([]);
    expect(r.repos.map((repo) => path.basename(repo.url))).toEqual(['here.git', 'gone.git', 'file.git', 'listed-missing.git']);
    expect(r.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`)).toEqual([
      `job.yaml:4:5: local repository ${path.join(dir, 'gone.git')} does not exist; the run will fail it`,
      `job.yaml:5:5: local repository ${path.join(dir, 'file.git')} is not a folder; the run will fail it`,
      `list.txt:1:1: local repository ${path.join(dir, 'listed-missing.git')} does not exist; the run will fail it`,
    ]);
  });

  it('that is missing with many others is named among the first three, and the rest are counted in one warning', async () => {
    const dir = await tempDir();
    await makeRepoFolders(dir, ['here.git']);
    await writeFile(path.join(dir, 'list.txt'), ['./here.git', ...Array.from({ length: 6 }, (_, i) => `./gone-${i + 1}.git`)].join('\n'));
    const job = ['name: local', 'repos:', '  - file: list.txt', ...TAIL].join('\n');
    const loaded = await parseManifest(job, { file: path.join(dir, 'job.yaml'), displayPath: 'job.yaml' });

    const r = await resolveRepos(loaded.job!, { env: {}, displayPath: 'job.yaml' });

    expect(r.repos).toHaveLength(7);
    expect(r.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`)).toEqual([
      `list.txt:2:1: local repository ${path.join(dir, 'gone-1.git')} does not exist; the run will fail it`,
      `list.txt:3:1: local repository ${path.join(dir, 'gone-2.git')} does not exist; the run will fail it`,
      `list.txt:4:1: local repository ${path.join(dir, 'gone-3.git')} does not exist; the run will fail it`,
      'list.txt:5:1: 3 more local repositories are missing or not a folder, the first of them here; the run will fail them',
    ]);
  });

  it('that is skipped is not checked: it will not be cloned', async () => {
    const dir = await tempDir();
    const job = ['name: local', 'repos:', '  - repo: ./gone.git', '    skip: true', ...TAIL].join('\n');
    const loaded = await parseManifest(job, { file: path.join(dir, 'job.yaml') });

    const r = await resolveRepos(loaded.job!, { env: {} });

    expect(r.repos).toHaveLength(1);
    expect(r.warnings).toEqual([]);
  });
});
