/**
 * `fleetmod validate` beyond the invalid corpus (manifest-corpus.test.ts): warnings that keep a job valid,
 * duplicates across literal entries and `file:` lists, secrets, selectors, symbolic links out of the job folder.
 */
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { demoFixture } from '../support/demo-fixture.js';
import { tempDir } from '../support/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function manifest(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const STEPS_AND_CHANGE = ['steps:', '  - name: fix', '    run: echo fixed', 'change:', '  branch: fleetmod/{{ job.name }}', '  commit:', '    message: Fix'];

describe('fleetmod validate', () => {
  it('says the bundled demo job is valid once its sample repositories are made', async () => {
    const demo = await demoFixture();
    const io = captureIo(demo.root);

    const code = await cli(io, 'validate', demo.job);

    expect(code).toBe(0);
    expect(io.out()).toBe('jobs/examples/demo.yaml: valid — job "demo-rename-fetchdata", 1 repo entry, 1 step, sandbox local\n');
    expect(io.err()).toBe('');
  });

  it('says the bundled demo job is valid before its sample repositories are made, naming three missing and counting the rest', async () => {
    // A fresh clone: the job and its list, but no .fleetmod/demo/repos until `fleetmod demo` makes them.
    const dir = await tempDir();
    await mkdir(path.join(dir, 'jobs', 'examples'), { recursive: true });
    for (const file of ['demo.yaml', 'demo-repos.txt']) await copyFile(path.join(ROOT, 'jobs/examples', file), path.join(dir, 'jobs/examples', file));
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'jobs/examples/demo.yaml');

    expect(code).toBe(0);
    expect(io.out()).toMatch(/^jobs\/examples\/demo.yaml: valid — /);
    const repos = path.join(dir, '.fleetmod', 'demo', 'repos');
    expect(io.err()).toBe(
      [
        `jobs/examples/demo-repos.txt:2:1: warning: local repository ${repos}/service-01.git does not exist; the run will fail it`,
        `jobs/examples/demo-repos.txt:3:1: warning: local repository ${repos}/service-02.git does not exist; the run will fail it`,
        `jobs/examples/demo-repos.txt:4:1: warning: local repository ${repos}/service-03.git does not exist; the run will fail it`,
        'jobs/examples/demo-repos.txt:5:1: warning: 22 more local repositories are missing or not a folder, the first of them here; the run will fail them',
        '',
      ].join('\n'),
    );
  });

  it('warns about duplicates among literal entries and file: lists, pointing into the list file, and stays valid', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'jobs'));
    await writeFile(path.join(dir, 'jobs', 'repos.txt'), '# fleet\nacme/api\n\n  acme/web  # the web app\nACME/API\n');
    await writeFile(
      path.join(dir, 'jobs', 'job.yaml'),
      manifest(['name: dupes', 'repos:', '  - acme/web', '  - file: repos.txt', '  - acme/worker', '  - acme/worker', ...STEPS_AND_CHANGE]),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'jobs/job.yaml');

    expect(code).toBe(0);
    expect(io.err()).toBe(
      [
        'jobs/job.yaml:6:5: warning: duplicate repository acme/worker (also listed at jobs/job.yaml:5:5); it runs once',
        'jobs/repos.txt:4:3: warning: duplicate repository acme/web (also listed at jobs/job.yaml:3:5); it runs once',
        'jobs/repos.txt:5:1: warning: duplicate repository ACME/API (also listed at jobs/repos.txt:2:1); it runs once',
        '',
      ].join('\n'),
    );
    expect(io.out()).toBe('jobs/job.yaml: valid — job "dupes", 4 repo entries, 1 step, sandbox local\n');
  });

  it('reports the repository list\'s problems (file: lists, pages, missing paths) alongside the job\'s other errors', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'jobs'));
    await writeFile(path.join(dir, 'jobs', 'repos.txt'), 'acme/api\nbad entry\n');
    const lines = [
      'name: all-at-once',
      'repos:',
      '  - file: repos.txt',
      '  - https://github.com/acme/widget/tree/main',
      '  - ./not-here.git',
      '  - acme/api',
      '  - foo;rm',
      'sandbox:',
      '  timeout: 10min',
      ...STEPS_AND_CHANGE,
      '  pr:',
      '    title: "{{ repo.nmae }}"',
    ];
    await writeFile(path.join(dir, 'jobs', 'job.yaml'), manifest(lines));
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'jobs/job.yaml');

    expect(code).toBe(2);
    const err = io.err().split('\n');
    // The job's own errors (the schema's, the rules')…
    expect(err.filter((l) => /^jobs\/job\.yaml:(9:12|18:13): /.test(l))).toHaveLength(2);
    expect(err.filter((l) => l.startsWith('jobs/job.yaml:7:5: ') && l.includes('";"'))).toHaveLength(1);
    // …and, at once, those found resolving the repository list, each said once.
    expect(err).toContain('jobs/job.yaml:4:5: "https://github.com/acme/widget/tree/main" is a page on https://github.com, not a repository; write acme/widget');
    expect(err).toContain(`jobs/job.yaml:5:5: warning: local repository ${path.join(dir, 'jobs', 'not-here.git')} does not exist; the run will fail it`);
    expect(err).toContain('jobs/job.yaml:6:5: warning: duplicate repository acme/api (also listed at jobs/repos.txt:1:1); it runs once');
    expect(err.filter((l) => l.startsWith('jobs/repos.txt:2:1: ') && l.includes('whitespace'))).toHaveLength(1);
    expect(err.at(-2)).toBe('jobs/job.yaml: invalid (5 errors)');
  });

  it('takes the SSH forms of a GitHub URL for the same repository as owner/name (a duplicate)', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      manifest(['name: dupes', 'repos:', '  - acme/svc', '  - git@github.com:acme/svc.git', '  - ssh://git@github.com/Acme/svc', ...STEPS_AND_CHANGE]),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'job.yaml');

    expect(code).toBe(0);
    expect(io.err()).toBe(
      [
        'job.yaml:4:5: warning: duplicate repository acme/svc (also listed at job.yaml:3:5); it runs once',
        'job.yaml:5:5: warning: duplicate repository Acme/svc (also listed at job.yaml:3:5); it runs once',
        '',
      ].join('\n'),
    );
  });

  it('reports options without effect as warnings, in source order, and stays valid', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      manifest([
        'name: warned',
        'repos:',
        '  - repo: acme/api',
        '    skip-reason: frozen',
        'sandbox:',
        '  template: node20',
        '  timeout: 10m',
        'steps:',
        '  - run: echo fixed',
        '    timeout: 1h',
        'change:',
        '  branch: fleetmod/x',
        '  commit: {message: Fix}',
        '  publish: false',
        '  close-stale: true',
        '  pr: {title: Fix}',
        'limits:',
        '  deadline: "2001-01-01T07:00:00Z"',
        'select: smallest-diff',
      ]),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'job.yaml');

    expect(code).toBe(0);
    expect(io.err().split('\n')).toEqual([
      'job.yaml:4:18: warning: repos[0].skip-reason: skip-reason has no effect without skip: true',
      'job.yaml:6:13: warning: sandbox.template: template is only used by provider: e2b',
      'job.yaml:10:14: warning: steps[0].timeout: 1h is longer than sandbox.timeout 10m for all steps of a repo; the step is stopped when that runs out',
      'job.yaml:15:16: warning: change.close-stale: close-stale closes pull requests, but this job opens none',
      'job.yaml:16:7: warning: change.pr: publish: false only pushes the branch; this pr section is not used',
      'job.yaml:18:13: warning: limits.deadline: 2001-01-01T07:00:00Z has passed; a run would start no repository',
      'job.yaml:19:9: warning: select: select only matters with candidates',
      '',
    ]);
  });

  it('fails for an unset secret, or only warns with --allow-missing-secrets, and passes when it is set', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      manifest(['name: secret', 'repos: [acme/api]', 'sandbox:', '  secrets: [NPM_TOKEN]', ...STEPS_AND_CHANGE]),
    );
    const message =
      'job.yaml:4:13: {level}sandbox.secrets[0]: secret NPM_TOKEN is not set in this environment; export it before running (its value goes to the sandbox, never to logs or the journal)\n';

    const strict = captureIo(dir);
    const lenient = captureIo(dir);
    const set = captureIo(dir, testEnv({ NPM_TOKEN: 'npm_made_up_value' }));

    expect(await cli(strict, 'validate', 'job.yaml')).toBe(2);
    expect(strict.err()).toBe(`${message.replace('{level}', '')}job.yaml: invalid (1 error)\n`);
    expect(await cli(lenient, 'validate', '--allow-missing-secrets', 'job.yaml')).toBe(0);
    expect(lenient.err()).toBe(message.replace('{level}', 'warning: '));
    expect(await cli(set, 'validate', 'job.yaml')).toBe(0);
    expect(set.err()).toBe('');
  });

  it('accepts GitHub selectors without network access and says plan resolves them', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      manifest(['name: org-wide', 'repos:', '  - github: {org: acme, topics: [backend], exclude: ["*-legacy"]}', ...STEPS_AND_CHANGE]),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'job.yaml');

    expect(code).toBe(0);
    expect(io.out()).toBe(
      'job.yaml: valid — job "org-wide", 1 repo entry (1 GitHub selector: fleetmod plan lists them), 1 step, sandbox local\n',
    );
  });

  it('refuses a step file that is a symbolic link out of the job folder', async () => {
    const dir = await tempDir();
    const outside = await tempDir();
    await writeFile(path.join(outside, 'id_rsa'), 'not really a key\n');
    await mkdir(path.join(dir, 'job'));
    await symlink(path.join(outside, 'id_rsa'), path.join(dir, 'job', 'helper.sh'));
    await writeFile(
      path.join(dir, 'job', 'job.yaml'),
      manifest(['name: link', 'repos: [acme/api]', 'steps:', '  - run: bash $FLEETMOD_FILES/helper.sh', '    files: [helper.sh]', 'change:', '  branch: b', '  commit: {message: m}']),
    );
    const io = captureIo(dir);

    const code = await cli(io, 'validate', 'job/job.yaml');

    expect(code).toBe(2);
    expect(io.err()).toContain(
      `job/job.yaml:5:13: steps[0].files[0]: "helper.sh" is a symbolic link to ${path.join(outside, 'id_rsa')}, outside the manifest's folder; copy the file instead\n`,
    );
  });

  it('accepts \\{{ as a literal {{ in templates', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'job.yaml'),
      manifest([
        'name: actions',
        'repos: [acme/api]',
        'steps:',
        '  - run: |',
        "      echo 'token: $\\{{ secrets.NPM_TOKEN }}' >> .github/workflows/release.yml",
        'change:',
        '  branch: b',
        '  commit: {message: m}',
      ]),
    );
    const io = captureIo(dir);

    expect(await cli(io, 'validate', 'job.yaml')).toBe(0);
    expect(io.err()).toBe('');
  });
});
