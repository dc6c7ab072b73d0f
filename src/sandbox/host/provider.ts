/**
 * The `host` provider: NO isolation. Commands run directly on this machine in the checkout, as the user running
 * fleetmod. Only for trusted transformations, only when the manifest says `provider: host`; the run's report
 * says so loudly. It still gets a cleared environment (no push token, no unrelated host variables).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostGit } from '../../git/host-git.js';
import { waitForCreationSlot } from '../shared/creation-slot.js';
import { CommandOutput } from '../shared/output-buffer.js';
import { resolveInWorkspace } from '../shared/workspace-path.js';
import type { ExecOptions, ExecResult, Sandbox, SandboxProvider, SandboxRequest } from '../types.js';

export interface HostProviderOptions {
  git: HostGit;
  env?: NodeJS.ProcessEnv;
}

export function createHostProvider(options: HostProviderOptions): SandboxProvider {
  const live = new Set<() => void>();
  return {
    name: 'host',
    isolated: false,
    async check() {
      return { ok: true, lines: ['host provider: commands run WITHOUT isolation (opt-in with sandbox.provider: host)'] };
    },
    async create(request: SandboxRequest): Promise<Sandbox> {
      await waitForCreationSlot(request);
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-host-'));
      const filesDir = path.join(scratch, 'files');
      const home = path.join(scratch, 'home');
      const tmp = path.join(scratch, 'tmp');
      await mkdir(home, { recursive: true });
      await mkdir(tmp, { recursive: true });
      for (const [relative, hostPath] of request.files) {
        const target = path.join(filesDir, relative);
        await mkdir(path.dirname(target), { recursive: true });
        await copyFile(hostPath, target);
      }
      const baseEnv: Record<string, string> = {
        PATH: options.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        TMPDIR: tmp,
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        CI: 'true',
        FLEETMOD_SANDBOX: 'host',
        FLEETMOD_FILES: filesDir,
      };
      const createdAt = performance.now();

      const exec = (command: string, execOptions: ExecOptions = {}): Promise<ExecResult> => {
        const started = performance.now();
        const remaining = request.limits.timeoutMs - (started - createdAt);
        const timeoutMs = Math.max(1, Math.min(execOptions.timeoutMs ?? Infinity, remaining));
        const child = spawn('/bin/bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
          cwd: path.join(request.workspace, execOptions.cwd ?? '.'),
          env: { ...baseEnv, ...request.env, ...(execOptions.env ?? {}) },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        const output = new CommandOutput(request.limits.outputBytes, execOptions);
        child.stdout.setEncoding('utf8').on('data', (c: string) => output.push('stdout', c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => output.push('stderr', c));
        let killedBy: string | undefined;
        const kill = (reason: string) => {
          if (killedBy) return;
          killedBy = reason;
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {
            // gone
          }
        };
        const timer = setTimeout(() => kill('timeout'), timeoutMs);
        const onAbort = () => kill('aborted');
        execOptions.signal?.addEventListener('abort', onAbort, { once: true });
        const shutdownKill = () => kill('sandbox shut down');
        live.add(shutdownKill);
        return new Promise((resolve) => {
          child.on('close', (code, signal) => {
            clearTimeout(timer);
            live.delete(shutdownKill);
            execOptions.signal?.removeEventListener('abort', onAbort);
            resolve({
              exitCode: killedBy || signal ? null : code,
              ...output.result(),
              timedOut: killedBy === 'timeout',
              durationMs: performance.now() - started,
              ...(killedBy && { killedBy }),
            });
          });
        });
      };
      const destroy = async () => {
        await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      };
      return {
        id: `host-${randomUUID().slice(0, 8)}`,
        provider: 'host',
        exec,
        async readFile(relativePath) {
          return readFile(await resolveInWorkspace(request.workspace, relativePath, false));
        },
        async writeFile(relativePath, data) {
          await writeFile(await resolveInWorkspace(request.workspace, relativePath, true), data);
        },
        exportDiff: () => options.git.worktreeDiff(request.workspace, request.limits.changeBytes),
        billedSeconds: () => 0,
        destroy,
        [Symbol.asyncDispose]: destroy,
      };
    },
    async shutdown() {
      for (const kill of live) kill();
    },
  };
}
