/**
 * Generated fleets of sample repositories (src/demo/sample-repos.ts), made once per shape and kept under
 * bench/work/fleets, then copied fresh for every sample so each run starts from the same state. The bare
 * repositories are repacked, as a hosting server keeps them.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { createSampleRepo } from '../../src/demo/sample-repos.js';
import { spreadSubdirectories } from '../../src/util/spread-subdirectories.js';
import { runChecked } from '../harness/processes.js';

export interface FleetShape {
  count: number;
  /** Files per repository beyond the four fixed ones. */
  extraFiles: number;
  commits: number;
  /** Every n-th repository does not call the old API, so the job leaves it unchanged. */
  unchangedEvery: number;
}

export interface FleetRepo {
  name: string;
  usesOldApi: boolean;
}

export interface Fleet {
  shape: FleetShape;
  /** Folder with `<name>.git` for every repository. */
  dir: string;
  repos: FleetRepo[];
}

export function fleetRepos(shape: FleetShape): FleetRepo[] {
  return Array.from({ length: shape.count }, (_, k) => {
    const i = k + 1;
    return { name: `service-${String(i).padStart(3, '0')}`, usesOldApi: i % shape.unchangedEvery !== 0 };
  });
}

/** The fleet of this shape under `workDir`, generated on first use (in parallel, `jobs` at a time). */
export async function ensureFleet(workDir: string, shape: FleetShape, jobs = 4, log: (line: string) => void = () => undefined): Promise<Fleet> {
  const dir = path.join(workDir, 'fleets', `${shape.count}x${shape.extraFiles}f${shape.commits}c-u${shape.unchangedEvery}`);
  const repos = fleetRepos(shape);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return { shape, dir, repos };
  log(`generating ${shape.count} sample repositories (${shape.extraFiles + 4} files, ${shape.commits} commits each) into ${dir}; kept for later runs`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const queue = new PQueue({ concurrency: jobs });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  await Promise.all(
    repos.map((repo) =>
      queue.add(async () => {
        const bare = path.join(dir, `${repo.name}.git`);
        await createSampleRepo(bare, repo.name, { usesOldApi: repo.usesOldApi, extraFiles: shape.extraFiles, commits: shape.commits });
        await runChecked('git', ['repack', '-a', '-d', '-q'], { cwd: bare, env });
        await runChecked('git', ['pack-refs', '--all'], { cwd: bare, env });
      }),
    ),
  );
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return { shape, dir, repos };
}

/** A fresh copy of the fleet's repositories into `dest/<owner>/`. */
export async function copyFleet(fleet: Fleet, dest: string, owner: string): Promise<void> {
  await rm(path.join(dest, owner), { recursive: true, force: true });
  await mkdir(path.join(dest, owner), { recursive: true });
  // The server's copies go wherever the kernel chooses, not beside the previous sample's (see harness/settle.ts).
  await spreadSubdirectories(path.join(dest, owner));
  await cp(fleet.dir, path.join(dest, owner), { recursive: true, filter: (source) => path.basename(source) !== '.complete' });
}
