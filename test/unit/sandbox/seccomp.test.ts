import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BPF, SECCOMP_RET, decodeProgram, type Instruction } from '../../../src/sandbox/local/seccomp/bpf.js';
import { AUDIT_ARCH, DENIED_ENOSYS, DENIED_EPERM, SYSCALLS, buildSeccompProgram, seccompFilterBytes } from '../../../src/sandbox/local/seccomp/policy.js';

/** A classic-BPF interpreter for exactly the opcodes the filter may use, run over a struct seccomp_data. */
function evaluate(program: readonly Instruction[], data: { nr: number; arch: number; args?: bigint[] }): number {
  const bytes = Buffer.alloc(64);
  bytes.writeInt32LE(data.nr | 0, 0);
  bytes.writeUInt32LE(data.arch, 4);
  (data.args ?? []).forEach((arg, i) => bytes.writeBigUInt64LE(arg, 16 + 8 * i));
  let a = 0;
  for (let pc = 0; pc < program.length; ) {
    const insn = program[pc] as Instruction;
    switch (insn.code) {
      case BPF.LD_W_ABS:
        a = bytes.readUInt32LE(insn.k);
        pc += 1;
        break;
      case BPF.JEQ_K:
        pc += 1 + (a === insn.k ? insn.jt : insn.jf);
        break;
      case BPF.JGE_K:
        pc += 1 + (a >= insn.k ? insn.jt : insn.jf);
        break;
      case BPF.JSET_K:
        pc += 1 + ((a & insn.k) !== 0 ? insn.jt : insn.jf);
        break;
      case BPF.RET_K:
        return insn.k;
      default:
        throw new Error(`unexpected opcode ${insn.code.toString(16)} at ${pc}`);
    }
  }
  throw new Error('fell off the end of the program');
}

const program = decodeProgram(seccompFilterBytes());
const EPERM = (SECCOMP_RET.ERRNO | 1) >>> 0;
const ENOSYS = (SECCOMP_RET.ERRNO | 38) >>> 0;
const ALLOW = SECCOMP_RET.ALLOW;

describe('the seccomp filter (generated classic BPF)', () => {
  it('is well-formed: 8-byte instructions, forward jumps inside the program, known opcodes, every path ends in RET', () => {
    const bytes = seccompFilterBytes();

    expect(bytes.length % 8).toBe(0);
    expect(program.length).toBeLessThan(4096);
    expect(program[0]).toEqual({ code: BPF.LD_W_ABS, jt: 0, jf: 0, k: 4 });
    for (const [pc, insn] of program.entries()) {
      expect(Object.values(BPF)).toContain(insn.code);
      if (insn.code !== BPF.RET_K && insn.code !== BPF.LD_W_ABS) {
        expect(pc + 1 + insn.jt).toBeLessThan(program.length);
        expect(pc + 1 + insn.jf).toBeLessThan(program.length);
      }
    }
    expect(program.at(-1)?.code).toBe(BPF.RET_K);
    expect(decodeProgram(seccompFilterBytes())).toEqual(buildSeccompProgram().assemble());
  });

  for (const arch of ['x86_64', 'aarch64'] as const) {
    const nr = SYSCALLS[arch];
    const run = (n: number, args: bigint[] = []) => evaluate(program, { nr: n, arch: AUDIT_ARCH[arch], args });

    it(`${arch}: denies every listed syscall with the documented errno`, () => {
      for (const name of DENIED_EPERM) expect(run(nr[name]), name).toBe(EPERM);
      for (const name of DENIED_ENOSYS) expect(run(nr[name]), name).toBe(ENOSYS);
    });

    it(`${arch}: allows ordinary syscalls, plain clone and ordinary ioctls`, () => {
      const ordinary = arch === 'x86_64' ? [0, 1, 2, 3, 9, 57, 59, 60, 231, 257] : [56, 57, 63, 64, 93, 94, 221, 222, 260];
      for (const n of ordinary) expect(run(n), `syscall ${n}`).toBe(ALLOW);
      expect(run(nr.clone, [0x11n])).toBe(ALLOW); // fork: SIGCHLD
      expect(run(nr.clone, [0x3d0f00n])).toBe(ALLOW); // pthread_create flags
      expect(run(nr.ioctl, [1n, 0x5401n])).toBe(ALLOW); // TCGETS
    });

    it(`${arch}: denies clone with CLONE_NEWUSER and TIOCSTI/TIOCLINUX however the upper bits are set`, () => {
      expect(run(nr.clone, [0x1000_0011n])).toBe(EPERM);
      expect(run(nr.clone, [0xffff_ffff_1000_0000n])).toBe(EPERM);
      expect(run(nr.ioctl, [0n, 0x5412n])).toBe(EPERM);
      expect(run(nr.ioctl, [0n, 0x541cn])).toBe(EPERM);
      expect(run(nr.ioctl, [0n, 0xdead_beef_0000_5412n])).toBe(EPERM);
    });
  }

  it('refuses other ABIs outright: i386 compat, arm32 compat and x32 syscall numbers', () => {
    expect(evaluate(program, { nr: 26, arch: 0x4000_0003 })).toBe(ENOSYS); // i386 ptrace
    expect(evaluate(program, { nr: 3, arch: 0x4000_0028 })).toBe(ENOSYS); // arm read
    expect(evaluate(program, { nr: 0x4000_0000 | 101, arch: AUDIT_ARCH.x86_64 })).toBe(ENOSYS);
  });

  it('uses the syscall numbers of the kernel headers installed here', () => {
    const headers = {
      x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
      aarch64: '/usr/include/asm-generic/unistd.h',
    } as const;
    let compared = 0;
    for (const [arch, file] of Object.entries(headers) as [keyof typeof headers, string][]) {
      if (!existsSync(file)) continue; // linux-libc-dev not installed: the other assertions still hold
      const text = readFileSync(file, 'utf8');
      for (const [name, number] of Object.entries(SYSCALLS[arch])) {
        const match = new RegExp(`#define __NR(?:3264)?_${name}\\s+(\\d+)\\b`).exec(text);
        expect(match, `${arch} ${name} in ${file}`).not.toBeNull();
        expect(Number(match?.[1]), `${arch} ${name}`).toBe(number);
        compared += 1;
      }
    }
    if (!existsSync(headers.x86_64) && !existsSync(headers.aarch64)) console.warn('no kernel headers here; numbers not cross-checked');
    else expect(compared).toBeGreaterThan(30);
  });
});
