/**
 * The seccomp deny-list every sandboxed command runs under (local-sandbox.md §6). It closes what namespaces and
 * dropped capabilities leave open: tracing processes (bwrap's pid 1 is outside the filter), building new
 * namespaces or mounts to undo fleetmod's read-only binds, kernel attack surface (io_uring, bpf, perf, keyrings,
 * userfaultfd), module and kexec loading, and injecting keystrokes into a terminal.
 *
 * The program checks `seccomp_data.arch` first: x86_64 and aarch64 each get their own syscall numbers, and any
 * other ABI (i386 via `int 0x80`, x32) is refused outright, because its numbers differ and would slip past.
 */
import { BpfProgram, SECCOMP_DATA, SECCOMP_RET, encodeProgram } from './bpf.js';

export const AUDIT_ARCH = { x86_64: 0xc000_003e, aarch64: 0xc000_00b7 } as const;
export type SeccompArch = keyof typeof AUDIT_ARCH;

const EPERM = 1;
const ENOSYS = 38;
/** x32 syscalls on x86_64 carry this bit in their number. */
const X32_SYSCALL_BIT = 0x4000_0000;
const CLONE_NEWUSER = 0x1000_0000;
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

/** Syscalls refused with EPERM, and why, in one place so the doctor and the docs can list them. */
export const DENIED_EPERM = [
  'ptrace', 'process_vm_readv', 'process_vm_writev', // reading or steering other processes
  'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'chroot', // new namespaces/mounts over fleetmod's binds
  'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', // kernel attack surface
  'keyctl', 'add_key', 'request_key', // keyrings are not namespaced
  'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', // kernel replacement
  'open_by_handle_at', // opens files by handle, bypassing the mount tree
  'move_pages', 'migrate_pages', // NUMA calls that act on other processes
] as const;

/** Refused with ENOSYS so that libc and runtimes fall back to the older call (clone3 → clone). */
export const DENIED_ENOSYS = ['clone3', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr'] as const;

type SyscallName = (typeof DENIED_EPERM)[number] | (typeof DENIED_ENOSYS)[number] | 'clone' | 'ioctl';

/** Syscall numbers from asm/unistd_64.h (x86_64) and asm-generic/unistd.h (aarch64). */
export const SYSCALLS: Record<SeccompArch, Record<SyscallName, number>> = {
  x86_64: {
    ioctl: 16, clone: 56, ptrace: 101, pivot_root: 155, chroot: 161, mount: 165, umount2: 166, init_module: 175,
    delete_module: 176, kexec_load: 246, add_key: 248, request_key: 249, keyctl: 250, migrate_pages: 256, unshare: 272,
    move_pages: 279, perf_event_open: 298, open_by_handle_at: 304, setns: 308, process_vm_readv: 310,
    process_vm_writev: 311, finit_module: 313, kexec_file_load: 320, bpf: 321, userfaultfd: 323, io_uring_setup: 425,
    io_uring_enter: 426, io_uring_register: 427, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431,
    fsmount: 432, fspick: 433, clone3: 435, mount_setattr: 442,
  },
  aarch64: {
    ioctl: 29, umount2: 39, mount: 40, pivot_root: 41, chroot: 51, unshare: 97, kexec_load: 104, init_module: 105,
    delete_module: 106, ptrace: 117, add_key: 217, request_key: 218, keyctl: 219, clone: 220, migrate_pages: 238,
    move_pages: 239, perf_event_open: 241, open_by_handle_at: 265, setns: 268, process_vm_readv: 270,
    process_vm_writev: 271, finit_module: 273, bpf: 280, userfaultfd: 282, kexec_file_load: 294, io_uring_setup: 425,
    io_uring_enter: 426, io_uring_register: 427, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431,
    fsmount: 432, fspick: 433, clone3: 435, mount_setattr: 442,
  },
};

export function buildSeccompProgram(): BpfProgram {
  const p = new BpfProgram();
  p.load(SECCOMP_DATA.arch);
  p.jumpIfEqual(AUDIT_ARCH.x86_64, 'x86_64');
  p.jumpIfEqual(AUDIT_ARCH.aarch64, 'aarch64');
  // Any other ABI (i386 compat on x86_64, arm32 compat on aarch64): numbers differ, so nothing is allowed.
  p.ret(SECCOMP_RET.ERRNO | ENOSYS);

  for (const arch of ['x86_64', 'aarch64'] as const) {
    const nr = SYSCALLS[arch];
    p.label(arch);
    p.load(SECCOMP_DATA.nr);
    if (arch === 'x86_64') p.jumpIfAtLeast(X32_SYSCALL_BIT, 'enosys');
    for (const name of DENIED_EPERM) p.jumpIfEqual(nr[name], 'eperm');
    for (const name of DENIED_ENOSYS) p.jumpIfEqual(nr[name], 'enosys');
    p.jumpIfEqual(nr.clone, `${arch}-clone`);
    p.jumpIfEqual(nr.ioctl, `${arch}-ioctl`);
    p.ret(SECCOMP_RET.ALLOW);

    // clone(flags, …): a new user namespace would give the code a fresh set of capabilities.
    p.label(`${arch}-clone`);
    p.load(SECCOMP_DATA.argLow(0));
    p.jumpIfAnyBit(CLONE_NEWUSER, 'eperm');
    p.ret(SECCOMP_RET.ALLOW);

    // ioctl(fd, cmd, …): the kernel uses only the low 32 bits of cmd, so comparing those catches every spelling.
    p.label(`${arch}-ioctl`);
    p.load(SECCOMP_DATA.argLow(1));
    p.jumpIfEqual(TIOCSTI, 'eperm');
    p.jumpIfEqual(TIOCLINUX, 'eperm');
    p.ret(SECCOMP_RET.ALLOW);
  }

  p.label('eperm');
  p.ret(SECCOMP_RET.ERRNO | EPERM);
  p.label('enosys');
  p.ret(SECCOMP_RET.ERRNO | ENOSYS);
  return p;
}

/** The architecture seccomp_data.arch reports for this Node process, or null when the filter has no table for it. */
export function hostSeccompArch(arch: string = process.arch): SeccompArch | null {
  if (arch === 'x64') return 'x86_64';
  if (arch === 'arm64') return 'aarch64';
  return null;
}

/** The filter as bytes for `bwrap --seccomp FD`. Built once per provider; each spawn gets it on a fresh pipe. */
export function seccompFilterBytes(): Buffer {
  return encodeProgram(buildSeccompProgram().assemble());
}
