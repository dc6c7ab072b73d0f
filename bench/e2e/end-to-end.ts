/**
 * Benchmarks 1 and 2, end to end over git smart-HTTP on 127.0.0.1: the built fleetmod CLI (local sandbox,
 * journal, clone cache, report) against a baseline `xargs -P N` shell pipeline (clone, the same edit, commit,
 * push) at the same parallelism, on freshly copied repositories every time. Cold: nothing cached, no branch on the
 * server. Warm: the same job again as a new run right after the cold one (clone cache warm, branch pushed).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { headSha } from '../../test/support/forge/git-backend.js';
import { spreadSubdirectories } from '../../src/util/spread-subdirectories.js';
import { alternate } from '../harness/alternate.js';
import { cliPath, type BenchContext } from '../harness/context.js';
import { runMeasuringCpu } from '../harness/process-tree-cpu.js';
import { succeeded } from '../harness/processes.js';
import { contender, pairRatio, target, type BenchResult } from '../harness/result.js';
import { median } from '../harness/stats.js';
import { settleFileSystem } from '../harness/settle.js';
import { copyFleet, ensureFleet, type Fleet } from '../support/fleet.js';
import { basicAuthHeader, startGitServer, type GitServer } from '../support/git-server.js';
import { BENCH_BRANCH, benchJob } from './job.js';

const OWNER = 'bench';

export async function benchEndToEnd(ctx: BenchContext): Promise<BenchResult[]> {
  const shape = { count: ctx.quick ? 40 : 200, extraFiles: 46, commits: 20, unchangedEvery: 5 };
  const concurrency = 4;
  const fleet = await ensureFleet(ctx.workDir, shape, 4, ctx.log);
  const root = path.join(ctx.workDir, 'e2e');
  await rm(root, { recursive: true, force: true });
  const reposRoot = path.join(root, 'server', 'repos');
  await mkdir(reposRoot, { recursive: true });
  const server = await startGitServer(path.join(root, 'server'), reposRoot);
  try {
    for (const repo of fleet.repos) server.addRepo(OWNER, repo.name);
    const env = await clientEnvironment(root, server);
    const urls = fleet.repos.map((r) => server.urlOf(OWNER, r.name));
    await writeFile(path.join(root, 'repos.txt'), `${urls.join('\n')}\n`);
    await writeFile(path.join(root, 'job.yaml'), benchJob({ name: 'bench-e2e', reposFile: 'repos.txt', concurrency, provider: 'local' }));

    const fleetmod = async (round: number) => {
      await copyFleet(fleet, reposRoot, OWNER);
      const state = path.join(root, `fleetmod-${round}`);
      await rm(state, { recursive: true, force: true });
      await mkdir(state);
      await spreadSubdirectories(state);
      await settleFileSystem();
      const args = [cliPath(ctx), 'run', '--new', 'job.yaml', '--state-dir', path.join(state, 'state'), '--cache-dir', path.join(state, 'cache')];
      const cold = succeeded(process.execPath, args, await runMeasuringCpu(process.execPath, args, { cwd: root, env }));
      await expectBranches(server, fleet, 'fleetmod cold');
      const warm = succeeded(process.execPath, args, await runMeasuringCpu(process.execPath, args, { cwd: root, env }));
      await expectBranches(server, fleet, 'fleetmod warm');
      await rm(state, { recursive: true, force: true });
      return { cold: cold.ms / 1000, coldCpu: cold.cpuSeconds, warm: warm.ms / 1000 };
    };
    const baseline = async () => {
      await copyFleet(fleet, reposRoot, OWNER);
      const work = path.join(root, 'baseline');
      await rm(work, { recursive: true, force: true });
      await mkdir(work);
      // Its clones go wherever the kernel chooses, not beside the ones the harness removed (see harness/settle.ts).
      await spreadSubdirectories(work);
      await settleFileSystem();
      const args = ['-c', `xargs -P ${concurrency} -n 1 sh "$0" < repos.txt`, path.join(ctx.root, 'bench', 'e2e', 'baseline-one-repo.sh')];
      const done = succeeded('sh', args, await runMeasuringCpu('sh', args, { cwd: root, env: { ...env, BASELINE_WORK: work } }));
      await expectBranches(server, fleet, 'baseline');
      await rm(work, { recursive: true, force: true });
      return { wall: done.ms / 1000, cpu: done.cpuSeconds };
    };

    const samples = await alternate({
      pairs: ctx.pairs,
      a: fleetmod,
      b: baseline,
      onSample: (which, round, value) =>
        ctx.log(
          which === 'a'
            ? `  pair ${round + 1}: fleetmod cold ${fmt((value as { cold: number }).cold)} (CPU ${fmt((value as { coldCpu: number }).coldCpu)}), warm ${fmt((value as { warm: number }).warm)}`
            : `  pair ${round + 1}: baseline ${fmt((value as { wall: number }).wall)} (CPU ${fmt((value as { cpu: number }).cpu)})`,
        ),
    });
    const cold = samples.a.map((s) => s.cold);
    const coldCpu = samples.a.map((s) => s.coldCpu);
    const warm = samples.a.map((s) => s.warm);
    const baselineWall = samples.b.map((s) => s.wall);
    const baselineCpu = samples.b.map((s) => s.cpu);
    const cpuRatio = pairRatio('fleetmod cold CPU', 'baseline CPU', coldCpu, baselineCpu);
    const setup = {
      repos: shape.count,
      filesPerRepo: shape.extraFiles + 4,
      commitsPerRepo: shape.commits,
      changedRepos: fleet.repos.filter((r) => r.usesOldApi).length,
      parallelism: concurrency,
      sandbox: 'local (bubblewrap)',
      server: 'git http-backend over smart-HTTP on 127.0.0.1 (the forge backend)',
    };
    const coldRatio = pairRatio('fleetmod cold', 'baseline', cold, baselineWall);
    const warmRatio = pairRatio('fleetmod warm', 'baseline (cold)', warm, baselineWall);
    return [
      {
        id: 'e2e-cold',
        title: 'End to end, cold',
        setup,
        contenders: [
          contender('fleetmod', 's', cold),
          contender(`xargs -P ${concurrency} baseline`, 's', baselineWall),
          contender('fleetmod CPU (process tree)', 's', coldCpu),
          contender('baseline CPU (process tree)', 's', baselineCpu),
        ],
        ratio: coldRatio,
        targets: [target('fleetmod / baseline (median of pairs)', '<=', 1.1, coldRatio.median, 'x')],
        notes: [
          `median seconds per repo: fleetmod ${fmt(median(cold) / shape.count)}, baseline ${fmt(median(baselineWall) / shape.count)}`,
          `CPU of each contender's process tree (user + system, bash's times; the git server's, the same for both, not counted): ratio ${cpuRatio.perPair.map((r) => r.toFixed(2)).join(', ')} → median ${cpuRatio.median.toFixed(2)}x`,
        ],
      },
      {
        id: 'e2e-warm',
        title: 'End to end, warm (a new run of the same job: clone cache warm, branch already pushed)',
        setup,
        contenders: [contender('fleetmod warm', 's', warm), contender('baseline (cold)', 's', baselineWall)],
        ratio: warmRatio,
        targets: [target('fleetmod warm / cold baseline (median of pairs)', '<=', 0.6, warmRatio.median, 'x')],
        notes: [],
      },
    ];
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** HOME and global git config shared by both contenders: identity, and the push credentials as a header. */
async function clientEnvironment(root: string, server: GitServer): Promise<NodeJS.ProcessEnv> {
  const home = path.join(root, 'home');
  await mkdir(home, { recursive: true });
  const gitconfig = path.join(root, 'gitconfig');
  await writeFile(
    gitconfig,
    `[user]\n\tname = Bench Bot\n\temail = bench@example.com\n[http "${server.url}/"]\n\textraHeader = ${basicAuthHeader(server.login, server.token)}\n`,
  );
  return { PATH: process.env.PATH, HOME: home, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1', LANG: 'C.UTF-8' };
}

/** Every repository that calls the old API has the branch, the others do not: a contender that skipped work fails. */
async function expectBranches(server: GitServer, fleet: Fleet, who: string): Promise<void> {
  const wrong: string[] = [];
  for (const repo of fleet.repos) {
    const sha = await headSha(server.barePath(OWNER, repo.name), BENCH_BRANCH);
    if ((sha !== null) !== repo.usesOldApi) wrong.push(repo.name);
  }
  if (wrong.length > 0) throw new Error(`${who}: branch ${BENCH_BRANCH} is wrong in ${wrong.length} repositories (e.g. ${wrong.slice(0, 3).join(', ')})`);
}

function fmt(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}
