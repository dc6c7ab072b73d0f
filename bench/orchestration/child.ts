/**
 * One sample of the orchestration benchmark, in a process of its own so that its peak RSS is its own:
 *
 *   node child.js fleetmod|bare REPOS CONCURRENCY ROOT
 *
 * `fleetmod` runs the real runJob (scheduler, journal in SQLite, task logs, retries, templates) over the stub
 * ports; `bare` calls the same stubs in the same order from a p-queue and keeps nothing. Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import type { RepoRef } from '../../src/domain/repo.js';
import { preferSmallHeap } from '../../src/cli/small-heap.js';
import { parseManifest } from '../../src/manifest/load.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { noopProgress } from '../../src/progress/types.js';
import { openDb } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { noopSandboxes, stubCheckouts, stubCodeHosts, stubGit } from './stubs.js';

const [mode, reposArg, concurrencyArg, root] = process.argv.slice(2);
const count = Number(reposArg);
const concurrency = Number(concurrencyArg);

function repos(): RepoRef[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `repo-${String(i + 1).padStart(5, '0')}`;
    const url = `https://git.example.com/fleet/${name}.git`;
    return { key: url, url, kind: 'git', owner: 'fleet', name, display: `git.example.com/fleet/${name}`, env: {} };
  });
}

async function fleetmod(dir: string): Promise<number> {
  const manifest = `name: bench-orchestration
repos:
  - https://git.example.com/fleet/placeholder.git
steps:
  - name: rename
    run: sed -i 's/fetchData/loadData/g' src/*.js
change:
  branch: fleetmod/{{ job.name }}
  commit:
    message: Rename fetchData() to loadData() in {{ repo.name }}
limits:
  concurrency: ${concurrency}
`;
  const { job } = await parseManifest(manifest, { file: path.join(dir, 'job.yaml') });
  if (!job) throw new Error('the benchmark manifest is invalid');
  const redactor = createRedactor([]);
  const db = openDb(path.join(dir, 'fleetmod.db'));
  migrate(db, readMigrations(path.join(root as string, 'migrations')));
  const store = createSqliteRunStore(db, { redactor, groupCommit: true });
  const list = repos();
  // The process setting `fleetmod run` makes before its first repo (src/cli/small-heap.ts).
  preferSmallHeap();
  const started = performance.now();
  const result = await runJob(
    {
      store,
      git: stubGit(),
      checkouts: stubCheckouts(),
      sandboxes: noopSandboxes(),
      codeHosts: stubCodeHosts(),
      limiters: createStageLimiters({ gitPerHost: job.limits.clone, sandboxes: concurrency }),
      progress: noopProgress,
      redactor,
      now: Date.now,
    },
    {
      job,
      repos: list,
      selection: { mode: 'new' },
      dryRun: false,
      stateDir: dir,
      secrets: {},
      stopSignal: new AbortController().signal,
      abortSignal: new AbortController().signal,
    },
  );
  const ms = performance.now() - started;
  store.close();
  if (result.counts.pushed !== count) throw new Error(`expected ${count} pushed repos, got ${JSON.stringify(result.counts)}`);
  return ms;
}

async function bare(): Promise<number> {
  const git = stubGit();
  const checkouts = stubCheckouts();
  const sandboxes = noopSandboxes();
  const hosts = stubCodeHosts();
  const queue = new PQueue({ concurrency });
  const started = performance.now();
  let pushed = 0;
  for (const repo of repos()) {
    void queue.add(async () => {
      const host = hosts.forRepo(repo);
      const info = await host.inspect(repo, undefined, { branch: 'fleetmod/bench' });
      const dir = `/nonexistent/${repo.name}`;
      await checkouts.checkout(repo, 'main', dir);
      await git.headSha(dir);
      const sandbox = await sandboxes.create({} as never);
      await sandbox.exec('true');
      await sandbox.exportDiff();
      await sandbox.destroy();
      const commit = await git.commitDiff(dir, { base: 'b'.repeat(40), diff: 'd', branch: 'fleetmod/bench', message: 'm', author: { name: 'a', email: 'a@b' }, time: 0 });
      await git.push(dir, info.pushUrl, 'fleetmod/bench', commit, {});
      pushed += 1;
    });
  }
  await queue.onIdle();
  const ms = performance.now() - started;
  if (pushed !== count) throw new Error(`bare loop pushed ${pushed} of ${count}`);
  return ms;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-bench-orch-'));
try {
  const ms = mode === 'fleetmod' ? await fleetmod(dir) : await bare();
  process.stdout.write(`${JSON.stringify({ ms, maxRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6 })}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
