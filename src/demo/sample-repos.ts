/**
 * Sample repositories for the demo and the tests: small Node services with a little history, some calling the
 * old `fetchData(` API (the demo job renames it to `loadData(`), some not (they stay unchanged). Made with real
 * git, as bare repositories that fleetmod clones from and pushes to.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
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
  const commits: Commit[] = [{ message: `Initial commit of ${name}`, files }];
  for (let c = 2; c <= options.commits; c += 1) {
    commits.push({ message: `Update changelog (${c})`, files: { 'CHANGELOG.md': Array.from({ length: c }, (_, k) => `- change ${k + 1}\n`).join('') } });
  }
  await rm(bare, { recursive: true, force: true });
  await mkdir(path.dirname(bare), { recursive: true });
  const env = { ...process.env, ...GIT_ENV };
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare], { env });
  await writeHistory(bare, commits, env);
}

interface Commit {
  message: string;
  /** Files added or replaced by this commit, by path. */
  files: Record<string, string>;
}

/**
 * Writes the history onto `main` with one `git fast-import` instead of a working tree and a git process per
 * add and commit: a few times faster for the demo's and the tests' many repositories, and the same commits.
 */
async function writeHistory(bare: string, commits: Commit[], env: NodeJS.ProcessEnv): Promise<void> {
  const who = `${GIT_ENV.GIT_AUTHOR_NAME} <${GIT_ENV.GIT_AUTHOR_EMAIL}> ${Math.floor(Date.now() / 1000)} +0000`;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const stream = commits
    .map((commit) =>
      [
        'commit refs/heads/main\n',
        `author ${who}\ncommitter ${who}\n`,
        data(`${commit.message}\n`),
        ...Object.entries(commit.files).map(([file, content]) => `M 100644 inline ${file}\n${data(content)}`),
      ].join(''),
    )
    .join('\n');
  await new Promise<void>((resolve, reject) => {
    const child = execFile('git', ['-c', 'fastimport.unpackLimit=0', 'fast-import', '--quiet'], { cwd: bare, env }, (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(stream);
  });
}
