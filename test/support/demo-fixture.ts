/**
 * A copy of the bundled demo (jobs/examples/demo.yaml and its repo list) in a temp folder, with its sample
 * repositories created where the job expects them, so tests run the real demo job without touching the checkout.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleRepos, type SampleRepo } from '../../src/demo/sample-repos.js';
import { tempDir } from './temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface DemoFixture {
  root: string;
  job: string;
  reposDir: string;
  repos: SampleRepo[];
}

export async function demoFixture(count = 25): Promise<DemoFixture> {
  const root = await tempDir('fleetmod-demo-');
  const examples = path.join(root, 'jobs', 'examples');
  await mkdir(examples, { recursive: true });
  await copyFile(path.join(ROOT, 'jobs/examples/demo.yaml'), path.join(examples, 'demo.yaml'));
  const reposDir = path.join(root, '.fleetmod', 'demo', 'repos');
  const repos = await createSampleRepos({ dir: reposDir, count });
  // The bundled list names 25 repos; keep its format but list only the ones this fixture made.
  const listed = (await readFile(path.join(ROOT, 'jobs/examples/demo-repos.txt'), 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('#') || repos.some((r) => line.endsWith(`/${r.name}.git`)));
  await writeFile(path.join(examples, 'demo-repos.txt'), `${listed.join('\n')}\n`);
  return { root, job: 'jobs/examples/demo.yaml', reposDir, repos };
}
