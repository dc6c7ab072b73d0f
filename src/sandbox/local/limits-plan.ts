/**
 * Which mechanism enforces each limit on this machine, what `fleetmod doctor` prints about it, and which of a
 * job's needs cannot be met. Pure: it reads the detected capabilities and never probes anything itself.
 */
import { parseAllowList } from '../shared/network/allow-list.js';
import type { SandboxNeeds } from '../types.js';
import { DROP_UID_BASE, type LocalCapabilities } from './capabilities.js';
import { DENIED_ENOSYS, DENIED_EPERM } from './seccomp/policy.js';

export type Mechanism = 'cgroup v1' | 'cgroup v2' | 'rlimit' | null;

export interface LimitPlan {
  memory: Mechanism;
  pids: Mechanism;
  cpu: Mechanism;
}

export function planLimits(caps: LocalCapabilities): LimitPlan {
  const cg = caps.cgroups;
  const byCgroup = (c: 'memory' | 'pids' | 'cpu'): Mechanism => (cg.parents[c] ? (cg.version === 2 ? 'cgroup v2' : 'cgroup v1') : null);
  return {
    memory: byCgroup('memory') ?? (caps.prlimit ? 'rlimit' : null),
    // RLIMIT_NPROC counts per uid: only per sandbox when each sandbox has its own uid (drop mode).
    pids: byCgroup('pids') ?? (caps.prlimit && caps.identity === 'drop' ? 'rlimit' : null),
    cpu: byCgroup('cpu'),
  };
}

export function describeCapabilities(caps: LocalCapabilities): string[] {
  const b = caps.bwrap;
  const plan = planLimits(caps);
  const lines = [`bubblewrap ${b.version ?? '?'} at ${b.binary ?? '?'}`];
  lines.push('namespaces: mount, pid, ipc, uts, cgroup, network (always private; the network opt-in goes through a proxy socket)');
  if (caps.identity === 'drop') {
    lines.push(`identity: fleetmod runs as root, so sandboxed code runs as a dedicated uid (${DROP_UID_BASE}+, one per sandbox) with no capabilities and no_new_privs; files it writes never belong to root`);
    lines.push('nested user namespaces: blocked by seccomp (unshare, clone with CLONE_NEWUSER, clone3)');
  } else {
    lines.push('identity: uid 1000 inside a user namespace (your own uid outside), all capabilities dropped');
    lines.push(`nested user namespaces: ${b.features.disableUserns ? 'blocked by --disable-userns and seccomp' : 'blocked by seccomp only (bwrap < 0.8)'}`);
  }
  lines.push(
    caps.seccomp
      ? `seccomp: ${caps.seccomp.arch} filter denies ${DENIED_EPERM.length + DENIED_ENOSYS.length} syscalls (ptrace, process_vm_*, mount and namespace calls, io_uring, bpf, perf_event_open, keyctl, kexec, modules…), clone with CLONE_NEWUSER and the TIOCSTI/TIOCLINUX ioctls`
      : `seccomp: not available for ${process.arch}`,
  );
  const cg = caps.cgroups;
  const controllers = Object.keys(cg.parents);
  lines.push(cg.version ? `cgroups: v${cg.version}, controllers ${controllers.join(', ')}${cg.parents.memory ? (cg.swapLimit ? ' (memory includes swap)' : ' (swap not limited)') : ''}` : 'cgroups: not usable');
  lines.push(`memory limit: ${mechanismText(plan.memory, 'RLIMIT_DATA per process')}`);
  lines.push(`process limit: ${mechanismText(plan.pids, 'RLIMIT_NPROC on the sandbox\'s own uid')}`);
  lines.push(`cpu limit: ${mechanismText(plan.cpu, '')}`);
  lines.push(`/tmp and home: ${b.features.tmpfsSize ? 'size-capped tmpfs' : 'tmpfs WITHOUT a size cap (bwrap has no --size)'}`);
  lines.push('workspace disk use: measured while and after each step (sandbox.disk)');
  lines.push(`network opt-in: ${caps.socat ? `egress allow-list proxy, relayed inside by ${caps.socat}` : 'unavailable (socat not installed under /usr)'}`);
  lines.push('timeout: kills the whole process tree (pid namespace); output: capped per step (head and tail kept)');
  return lines;
}

function mechanismText(mechanism: Mechanism, rlimitText: string): string {
  if (mechanism === 'rlimit') return `${rlimitText} (no cgroup controller available; weaker)`;
  return mechanism ?? 'NOT AVAILABLE on this machine';
}

/** Problems (the run must not start) and warnings (it may) for a job's needs on this machine. */
export function checkNeeds(caps: LocalCapabilities, needs: SandboxNeeds): { problems: string[]; warnings: string[]; fixes: string[] } {
  const plan = planLimits(caps);
  const problems: string[] = [];
  const warnings: string[] = [];
  const fixes: string[] = [];
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  const cgroupHint = 'run fleetmod as root, or on a cgroup v1 host / with a delegated cgroup v2 subtree (see `fleetmod doctor`)';
  if (needs.memoryBytes !== undefined && !plan.memory) {
    problems.push('sandbox.memory is set but this machine has no way to limit memory (no cgroup memory controller, no prlimit)');
    fixes.push(cgroupHint);
  } else if (needs.memoryBytes !== undefined && plan.memory === 'rlimit') {
    warnings.push('sandbox.memory is enforced with RLIMIT_DATA per process only (no cgroup memory controller)');
  }
  if (needs.cpus !== undefined && !plan.cpu) {
    problems.push('sandbox.cpus is set but this machine has no cgroup cpu controller fleetmod can use');
    fixes.push(cgroupHint);
  }
  if (needs.pids !== undefined && !plan.pids) {
    if (needs.pidsExplicit) {
      problems.push('sandbox.pids is set but this machine cannot limit the number of processes (no cgroup pids controller)');
      fixes.push(cgroupHint);
    } else {
      warnings.push('the number of processes per sandbox is not limited here (no cgroup pids controller); the timeout still ends a fork bomb');
    }
  }
  if (!caps.bwrap.features.tmpfsSize) warnings.push('/tmp and home are not size-capped (bubblewrap has no --size; needs 0.5+)');
  if (needs.network !== false) {
    if (!caps.socat) {
      problems.push('sandbox.network needs socat (the relay to the egress proxy inside the sandbox), which is not installed under /usr');
      fixes.push(`${sudo}apt-get install -y socat   (Fedora/RHEL: ${sudo}dnf install -y socat)`);
    }
    try {
      parseAllowList(needs.network);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { problems, warnings, fixes };
}
