/**
 * The `local` provider: every command runs in a fresh bubblewrap sandbox over the repository checkout. Nothing of
 * the host is visible but a read-only /usr and an allow-listed /etc; no host network (an allow-list proxy when the
 * job opts in); no host environment and no descriptor fleetmod inherited (inherited-fds.ts); a seccomp filter;
 * cgroup (or rlimit) limits; the checkout's `.git` read-only; and, when fleetmod is root, an unprivileged uid per
 * sandbox. `check(needs)` refuses a job whose limits this machine cannot enforce, before anything runs.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { SandboxUnavailable } from '../../domain/errors.js';
import { makeOwnedTempDir } from '../../util/owned-temp.js';
import { waitForCreationSlot } from '../shared/creation-slot.js';
import type { HostGit } from '../../git/host-git.js';
import type { ProviderCheck, Sandbox, SandboxNeeds, SandboxProvider, SandboxRequest } from '../types.js';
import { detectLocalCapabilities, type CapabilityOptions, type LocalCapabilities } from './capabilities.js';
import { SandboxIdentities } from './identities.js';
import { closeInheritedDescriptors } from './inherited-fds.js';
import { checkNeeds, describeCapabilities } from './limits-plan.js';
import { createLocalSandbox } from './local-sandbox.js';
import { prepareSandboxEtc } from './sandbox-etc.js';
import { ETC_COPY_PREFIX } from './temp-names.js';

export interface LocalProviderOptions extends Pick<CapabilityOptions, 'identity' | 'cgroups'> {
  git: HostGit;
  env?: NodeJS.ProcessEnv;
  /** Where the provider's and its sandboxes' temporary folders go. @default os.tmpdir() */
  tmpRoot?: string;
  /** Free space that must stay on a workspace's filesystem; a command is stopped below it. @default min(1 GiB, 5%) */
  minFreeBytes?: number;
}

export interface LocalSandboxProvider extends SandboxProvider {
  /** What was detected on this machine (for `fleetmod doctor` and tests). */
  capabilities(): Promise<LocalCapabilities>;
}

export function createLocalProvider(options: LocalProviderOptions): LocalSandboxProvider {
  let detection: Promise<LocalCapabilities> | undefined;
  const detect = () =>
    (detection ??= (closeInheritedDescriptors(), detectLocalCapabilities({
      ...(options.env && { env: options.env }),
      ...(options.identity && { identity: options.identity }),
      ...(options.cgroups && { cgroups: options.cgroups }),
      ...(options.tmpRoot && { tmpRoot: options.tmpRoot }),
    })));
  const live = new Set<(reason: string) => void>();
  const sandboxes = new Set<Sandbox>();
  // The uids of this provider's sandboxes and their passwd and group, written once per uid.
  const identities = new SandboxIdentities(options.tmpRoot ?? os.tmpdir());
  // The /etc every sandbox of this provider sees, copied once on first use (sandbox-etc.ts).
  let etc: Promise<string> | undefined;
  const sandboxEtc = () =>
    (etc ??= (async () => {
      const dir = await makeOwnedTempDir(options.tmpRoot ?? os.tmpdir(), ETC_COPY_PREFIX);
      await prepareSandboxEtc(dir);
      return dir;
    })());

  const needsProblems = (caps: LocalCapabilities, needs?: SandboxNeeds) =>
    needs ? checkNeeds(caps, needs) : { problems: [], warnings: [], fixes: [] };

  const provider: LocalSandboxProvider = {
    name: 'local',
    isolated: true,
    capabilities: detect,

    async check(needs?: SandboxNeeds): Promise<ProviderCheck> {
      const caps = await detect();
      const b = caps.bwrap;
      if (!b.ok) return { ok: false, lines: [b.problem ?? 'bubblewrap is not usable'], ...(b.fix && { fix: b.fix }) };
      const { problems, warnings, fixes } = needsProblems(caps, needs);
      const lines = problems.length > 0 ? problems : describeCapabilities(caps);
      return {
        ok: problems.length === 0,
        lines,
        ...(fixes.length > 0 && { fix: fixes.join('; ') }),
        warnings: [...caps.notes, ...warnings],
      };
    },

    async create(request: SandboxRequest): Promise<Sandbox> {
      await waitForCreationSlot(request);
      const caps = await detect();
      if (!caps.bwrap.ok || !caps.bwrap.binary) throw new SandboxUnavailable(caps.bwrap.problem ?? 'bubblewrap is not usable', caps.bwrap.fix);
      const { problems, fixes } = checkNeeds(caps, {
        ...(request.limits.memoryBytes !== undefined && { memoryBytes: request.limits.memoryBytes }),
        ...(request.limits.cpus !== undefined && { cpus: request.limits.cpus }),
        network: request.network,
      });
      if (problems.length > 0) throw new SandboxUnavailable(problems.join('; '), fixes.join('; ') || undefined);
      const etcDir = await sandboxEtc();
      const sandbox = await createLocalSandbox(
        {
          caps,
          etcDir,
          git: options.git,
          ...(options.tmpRoot && { tmpRoot: options.tmpRoot }),
          ...(options.minFreeBytes !== undefined && { minFreeBytes: options.minFreeBytes }),
          identities,
          track: (kill) => {
            live.add(kill);
            return () => live.delete(kill);
          },
        },
        request,
      );
      const destroy = async () => {
        sandboxes.delete(tracked);
        await sandbox.destroy();
      };
      const tracked: Sandbox = { ...sandbox, destroy, [Symbol.asyncDispose]: destroy };
      sandboxes.add(tracked);
      return tracked;
    },

    async shutdown() {
      for (const kill of live) kill('sandbox shut down');
      // destroy() waits for the killed commands to end, takes each checkout back and removes cgroups and proxies.
      await Promise.all([...sandboxes].map((s) => s.destroy().catch(() => undefined)));
      const etcDir = await etc?.catch(() => undefined);
      etc = undefined;
      if (etcDir) await rm(etcDir, { recursive: true, force: true });
      await identities.remove();
    },
  };
  return provider;
}
