/**
 * A small job over sample repositories, written into a temp folder, with a `files:` entry the test can rewrite
 * between runs to steer the steps (delay, which repos fail) without changing the manifest.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleRepos, type SampleRepo } from '../../src/demo/sample-repos.js';
import { tempDir } from './temp.js';

export interface JobFixture {
  root: string;
  job: string;
  repos: SampleRepo[];
  /** Rewrites control.sh, which every repo's first step sources. */
  control(script: string): Promise<void>;
}

export interface JobFixtureOptions {
  count: number;
  concurrency?: number;
  /** Extra manifest lines under `limits:`. */
  limits?: string[];
  retries?: number;
  /**
   * Host variables passed to the steps (`sandbox.secrets`): their values steer the steps without changing the run's
   * transformation (a step file's content is part of it, and `resume` refuses a run whose step files changed).
   */
  secrets?: string[];
  /** Every n-th repo does not use the old API, so the job leaves it unchanged. @default 0 (none) */
  unchangedEvery?: number;
  /** Extra manifest lines under `change.commit:`. */
  commit?: string[];
}

export async function jobFixture(options: JobFixtureOptions): Promise<JobFixture> {
  const root = await tempDir('fleetmod-job-');
  const repos = await createSampleRepos({ dir: path.join(root, 'repos'), count: options.count, unchangedEvery: options.unchangedEvery ?? 0 });
  await mkdir(path.join(root, 'jobs'), { recursive: true });
  const control = (script: string) => writeFile(path.join(root, 'jobs', 'control.sh'), `${script}\n`);
  await control('true');
  const manifest = [
    'name: fixture-job',
    'repos:',
    ...repos.map((r) => `  - ../repos/${r.name}.git`),
    ...(options.secrets ? ['sandbox:', `  secrets: [${options.secrets.join(', ')}]`] : []),
    'steps:',
    '  - name: control',
    '    files: [control.sh]',
    '    run: . "$FLEETMOD_FILES/control.sh"',
    '  - name: rename',
    "    run: sed -i 's/fetchData/loadData/g' src/*.js",
    'change:',
    '  branch: fleetmod/fixture',
    '  commit:',
    '    message: Rename in {{ repo.name }}',
    ...(options.commit ?? []).map((l) => `    ${l}`),
    'limits:',
    `  concurrency: ${options.concurrency ?? 2}`,
    `  retries: ${options.retries ?? 0}`,
    ...(options.limits ?? []).map((l) => `  ${l}`),
    '',
  ].join('\n');
  await writeFile(path.join(root, 'jobs', 'job.yaml'), manifest);
  return { root, job: 'jobs/job.yaml', repos, control };
}
