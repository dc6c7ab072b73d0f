/**
 * Benchmark 4: what a local sandbox costs around a command. Each pair is one full cycle of the local provider
 * (create over a real checkout, exec `true`, destroy) next to one plain spawn of `true`, 200 pairs. The provider
 * is set up as a run sets it up for a job with default limits (on a root host with cgroups: a uid of its own,
 * seccomp, a pids cgroup per sandbox).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHostGit } from '../../src/git/host-git.js';
import { createLocalProvider } from '../../src/sandbox/local/provider.js';
import type { SandboxRequest } from '../../src/sandbox/types.js';
import { alternate } from '../harness/alternate.js';
import type { BenchContext } from '../harness/context.js';
import { runChecked } from '../harness/processes.js';
import { contender, pairRatio, target, type BenchResult } from '../harness/result.js';
import { median } from '../harness/stats.js';

export async function benchSandboxOverhead(ctx: BenchContext): Promise<BenchResult[]> {
  const runs = ctx.quick ? 50 : 200;
  const root = await mkdtemp(path.join(ctx.workDir, 'sandbox-'));
  const provider = createLocalProvider({ git: createHostGit({ env: process.env }), env: process.env });
  try {
    const workspace = await sampleCheckout(root);
    const check = await provider.check();
    if (!check.ok) throw new Error(`the local sandbox does not work here: ${check.lines.join('; ')}`);
    const request: SandboxRequest = {
      workspace,
      files: new Map(),
      env: {},
      network: false,
      limits: { timeoutMs: 60_000, pids: 1024, tmpBytes: 512 * 2 ** 20, outputBytes: 2 ** 20 },
      template: 'base',
      labels: { job: 'bench', run: 'bench', repo: 'bench/sample' },
    };
    const cycle = async () => {
      const started = performance.now();
      const sandbox = await provider.create(request);
      try {
        const result = await sandbox.exec('true');
        if (result.exitCode !== 0) throw new Error(`true failed in the sandbox: ${result.stderr}`);
      } finally {
        await sandbox.destroy();
      }
      return performance.now() - started;
    };
    const plain = () =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const child = spawn('true', [], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', () => resolve(performance.now() - started));
      });
    await cycle();
    await plain();
    const { a, b } = await alternate({ pairs: runs, a: cycle, b: plain });
    const ratio = pairRatio('sandbox cycle', 'plain spawn', a, b);
    return [
      {
        id: 'sandbox-overhead',
        title: 'Local sandbox overhead (create, exec `true`, destroy)',
        setup: { runs, identity: check.lines.find((l) => l.startsWith('identity')) ?? '?', cgroups: check.lines.find((l) => l.startsWith('cgroups')) ?? '?' },
        contenders: [contender('local sandbox cycle', 'ms', a, true), contender('plain spawn of true', 'ms', b, true)],
        ratio,
        targets: [target('sandbox cycle median', '<', 15, median(a), ' ms')],
        notes: [],
      },
    ];
  } finally {
    await provider.shutdown();
    await rm(root, { recursive: true, force: true });
  }
}

/** A checkout of a small repository with history, as a run hands it to the sandbox. */
async function sampleCheckout(root: string): Promise<string> {
  const dir = path.join(root, 'checkout');
  await mkdir(path.join(dir, 'src'), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  await runChecked('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  for (let i = 0; i < 50; i += 1) await writeFile(path.join(dir, 'src', `module-${i}.js`), `export const value${i} = ${i};\n`);
  await runChecked('git', ['add', '-A'], { cwd: dir, env });
  await runChecked('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-qm', 'init'], { cwd: dir, env });
  return dir;
}
