/** Jobs for CLI tests against a fake E2B: many sample repositories made fast, and a manifest written around them. */
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleRepo } from '../../src/demo/sample-repos.js';
import { tempDir } from './temp.js';

export interface E2bJobFixture {
  root: string;
  job: string;
  repos: string[];
}

/** `count` bare copies of one sample service (all calling fetchData), listed in a repos file next to the job. */
export async function e2bJobFixture(count: number, manifest: (reposFile: string) => string): Promise<E2bJobFixture> {
  const root = await tempDir('fleetmod-e2b-job-');
  const template = path.join(root, 'template.git');
  await createSampleRepo(template, 'service', { usesOldApi: true, extraFiles: 0, commits: 1 });
  const repos: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const repo = path.join(root, 'repos', `service-${String(i).padStart(3, '0')}.git`);
    await cp(template, repo, { recursive: true });
    repos.push(repo);
  }
  await writeFile(path.join(root, 'repos.txt'), `${repos.map((r) => `./${path.relative(root, r)}`).join('\n')}\n`);
  await writeFile(path.join(root, 'job.yaml'), manifest('repos.txt'));
  return { root, job: 'job.yaml', repos };
}

/** A rename job on E2B; `extra` is appended under the top level (limits, secrets…). */
export function renameJob(reposFile: string, options: { step?: string; sandbox?: string; limits?: string } = {}): string {
  return `name: e2b-rename
repos:
  - file: ${reposFile}
sandbox:
  provider: e2b
  timeout: 2m
${options.sandbox ?? ''}
steps:
  - name: rename
    run: |
${(options.step ?? "sed -i 's/fetchData/loadData/g' src/*.js").split('\n').map((l) => `      ${l}`).join('\n')}
change:
  branch: fleetmod/rename
  commit:
    message: Rename fetchData in {{ repo.name }}
limits:
${options.limits ?? '  sandbox-rate: 200/s'}
`;
}
