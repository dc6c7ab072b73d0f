/**
 * The `local` provider: every command runs in a fresh bubblewrap sandbox over the repository checkout. Nothing of
 * the host is visible but a read-only /usr and an allow-listed /etc; no network; no host environment; the
 * checkout's `.git` is read-only inside so nothing planted there can run on the host.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SandboxUnavailable } from '../../domain/errors.js';
import type { HostGit } from '../../git/host-git.js';
import { resolveInWorkspace } from '../shared/workspace-path.js';
import type { ExecOptions, ExecResult, ProviderCheck, Sandbox, SandboxProvider, SandboxRequest } from '../types.js';
import { SANDBOX_WORKSPACE, baseSandboxEnv, buildBwrapArgs, syntheticConfigFiles } from './args.js';
import { detectBwrap, type BwrapDetection } from './detect.js';
import { spawnBwrap } from './spawn-bwrap.js';

export interface LocalProviderOptions {
  git: HostGit;
  env?: NodeJS.ProcessEnv;
  /** Where per-sandbox scratch folders go. @default os.tmpdir() */
  tmpRoot?: string;
}

export function createLocalProvider(options: LocalProviderOptions): SandboxProvider {
  let detection: Promise<BwrapDetection> | undefined;
  const detect = () => (detection ??= detectBwrap(options.env ?? process.env));
  const live = new Set<() => void>();
  const scratchDirs = new Set<string>();

  const provider: SandboxProvider = {
    name: 'local',
    isolated: true,

    async check(): Promise<ProviderCheck> {
      const d = await detect();
      if (!d.ok) return { ok: false, lines: [d.problem ?? 'bubblewrap is not usable'], ...(d.fix && { fix: d.fix }) };
      return {
        ok: true,
        lines: [
          `bubblewrap ${d.version} at ${d.binary}`,
          `--disable-userns: ${d.features.disableUserns ? 'yes' : 'no'}; tmpfs size caps: ${d.features.tmpfsSize ? 'yes' : 'no'}`,
          ...d.notes,
        ],
      };
    },

    async create(request: SandboxRequest): Promise<Sandbox> {
      const d = await detect();
      if (!d.ok || !d.binary) throw new SandboxUnavailable(d.problem ?? 'bubblewrap is not usable', d.fix);
      const binary = d.binary;
      const scratch = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), 'fleetmod-sbx-'));
      scratchDirs.add(scratch);
      for (const [name, content] of Object.entries(syntheticConfigFiles())) {
        await writeFile(path.join(scratch, name), content, { mode: 0o644 });
      }
      let filesDir: string | undefined;
      if (request.files.size > 0) {
        filesDir = path.join(scratch, 'files');
        for (const [relative, hostPath] of request.files) {
          const target = path.join(filesDir, relative);
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(hostPath, target);
        }
      }
      const hasGitDir = existsSync(path.join(request.workspace, '.git'));
      const createdAt = performance.now();
      let destroyed = false;

      const exec = async (command: string, execOptions: ExecOptions = {}): Promise<ExecResult> => {
        const remaining = request.limits.timeoutMs - (performance.now() - createdAt);
        const timeoutMs = Math.max(1, Math.min(execOptions.timeoutMs ?? Infinity, remaining));
        const cwd = path.posix.join(SANDBOX_WORKSPACE, execOptions.cwd ?? '.');
        const args = buildBwrapArgs({
          workspace: request.workspace,
          hasGitDir,
          configDir: scratch,
          ...(filesDir && { filesDir }),
          tmpBytes: request.limits.tmpBytes,
          features: d.features,
          env: { ...baseSandboxEnv(), ...request.env, ...(execOptions.env ?? {}) },
          cwd: cwd.startsWith(SANDBOX_WORKSPACE) ? cwd : SANDBOX_WORKSPACE,
          infoFd: 4,
        });
        const signal = execOptions.signal && request.signal ? AbortSignal.any([execOptions.signal, request.signal]) : (execOptions.signal ?? request.signal);
        return spawnBwrap({
          binary,
          args,
          command: ['/bin/bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', command],
          timeoutMs,
          outputBytes: request.limits.outputBytes,
          ...(signal && { signal }),
          ...(execOptions.onOutput && { onOutput: execOptions.onOutput }),
          track: (kill) => {
            live.add(kill);
            return () => live.delete(kill);
          },
        });
      };

      const destroy = async () => {
        if (destroyed) return;
        destroyed = true;
        scratchDirs.delete(scratch);
        await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      };

      const sandbox: Sandbox = {
        id: `local-${randomUUID().slice(0, 8)}`,
        provider: 'local',
        exec,
        async readFile(relativePath) {
          return readFile(await resolveInWorkspace(request.workspace, relativePath, false));
        },
        async writeFile(relativePath, data) {
          const target = await resolveInWorkspace(request.workspace, relativePath, true);
          await writeFile(target, data);
        },
        exportDiff: () => options.git.worktreeDiff(request.workspace),
        billedSeconds: () => 0,
        destroy,
        [Symbol.asyncDispose]: destroy,
      };
      return sandbox;
    },

    async shutdown() {
      for (const kill of live) kill();
      await Promise.all([...scratchDirs].map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
      scratchDirs.clear();
    },
  };
  return provider;
}
