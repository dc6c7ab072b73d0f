/**
 * Sample repositories for the demo and the tests: small Node services with a little history, some calling the
 * old `fetchData(` API (the demo job renames it to `loadData(`), some not (they stay unchanged). Made with real
 * git, as bare repositories that fleetmod clones from and pushes to.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SampleRepoOptions {
  /** Folder that receives `<name>.git` bare repositories. */
  dir: string;
  count: number;
  /** Every n-th repo does not use the old API (so it stays unchanged). @default 5 */
  unchangedEvery?: number;
  /** Name prefix. @default "service" */
  prefix?: string;
  /** Files per repo beyond the fixed ones (for benchmarks). @default 0 */
  extraFiles?: number;
  /** Commits of history per repo. @default 3 */
  commits?: number;
}

export interface SampleRepo {
  name: string;
  path: string;
  usesOldApi: boolean;
}

const GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Sample Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Sample Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

export async function createSampleRepos(options: SampleRepoOptions): Promise<SampleRepo[]> {
  await mkdir(options.dir, { recursive: true });
  const every = options.unchangedEvery ?? 5;
  const prefix = options.prefix ?? 'service';
  const repos: SampleRepo[] = [];
  for (let i = 1; i <= options.count; i += 1) {
    const name = `${prefix}-${String(i).padStart(2, '0')}`;
    const usesOldApi = every <= 0 || i % every !== 0;
    const bare = path.join(options.dir, `${name}.git`);
    await createSampleRepo(bare, name, { usesOldApi, extraFiles: options.extraFiles ?? 0, commits: options.commits ?? 3 });
    repos.push({ name, path: bare, usesOldApi });
  }
  return repos;
}

export async function createSampleRepo(
  bare: string,
  name: string,
  options: { usesOldApi: boolean; extraFiles: number; commits: number },
): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-sample-'));
  const git = (...args: string[]) => run('git', args, { cwd: work, env: { ...process.env, ...GIT_ENV } });
  try {
    await git('init', '--quiet', '--initial-branch=main');
    const call = options.usesOldApi ? 'fetchData' : 'loadData';
    const files: Record<string, string> = {
      'README.md': `# ${name}\n\nA sample service used by the fleetmod demo.\n`,
      'package.json': `${JSON.stringify({ name, version: '1.0.0', private: true, main: 'src/index.js' }, null, 2)}\n`,
      'src/client.js': `export async function ${call}(url) {\n  const res = await fetch(url);\n  return res.json();\n}\n`,
      'src/index.js': `import { ${call} } from './client.js';\n\nexport async function main() {\n  const users = await ${call}('/api/users');\n  const orders = await ${call}('/api/orders');\n  return { users, orders };\n}\n`,
    };
    for (let f = 0; f < options.extraFiles; f += 1) {
      files[`src/lib/module-${f}.js`] = `export const value${f} = ${f};\nexport function double${f}(x) {\n  return x * 2 + ${f};\n}\n`;
    }
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await git('add', '-A');
    await git('commit', '--quiet', '-m', `Initial commit of ${name}`);
    for (let c = 2; c <= options.commits; c += 1) {
      await writeFile(path.join(work, 'CHANGELOG.md'), Array.from({ length: c }, (_, k) => `- change ${k + 1}\n`).join(''));
      await git('add', '-A');
      await git('commit', '--quiet', '-m', `Update changelog (${c})`);
    }
    await rm(bare, { recursive: true, force: true });
    await mkdir(path.dirname(bare), { recursive: true });
    await run('git', ['clone', '--quiet', '--bare', work, bare], { env: { ...process.env, ...GIT_ENV } });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
