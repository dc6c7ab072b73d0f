/**
 * A tiny assembler for classic BPF as the kernel's seccomp filter reads it (`struct sock_filter`, 8 bytes each:
 * u16 code, u8 jt, u8 jf, u32 k, in host byte order). Jumps name labels and are resolved to the relative 8-bit
 * offsets the format needs, so the policy reads like the decision table it is.
 */

/** Opcodes used by the filter (linux/bpf_common.h). */
export const BPF = {
  LD_W_ABS: 0x20, // BPF_LD | BPF_W | BPF_ABS: A = *(u32 *)(seccomp_data + k)
  JEQ_K: 0x15, // BPF_JMP | BPF_JEQ | BPF_K
  JGE_K: 0x35, // BPF_JMP | BPF_JGE | BPF_K
  JSET_K: 0x45, // BPF_JMP | BPF_JSET | BPF_K
  RET_K: 0x06, // BPF_RET | BPF_K
} as const;

/** Return values (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x8000_0000,
  ERRNO: 0x0005_0000,
  ALLOW: 0x7fff_0000,
} as const;

/** Offsets into `struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }`. */
export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  /** Low 32 bits of argument i on a little-endian machine (x86_64 and aarch64 both are). */
  argLow: (i: number) => 16 + 8 * i,
} as const;

export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

type Pending =
  | { kind: 'label'; name: string }
  | { kind: 'insn'; code: number; k: number; jt?: string; jf?: string };

export class BpfProgram {
  private readonly items: Pending[] = [];

  label(name: string): this {
    this.items.push({ kind: 'label', name });
    return this;
  }

  load(offset: number): this {
    this.items.push({ kind: 'insn', code: BPF.LD_W_ABS, k: offset });
    return this;
  }

  /** if (A == k) goto target (else fall through). */
  jumpIfEqual(k: number, target: string): this {
    this.items.push({ kind: 'insn', code: BPF.JEQ_K, k, jt: target });
    return this;
  }

  /** if (A >= k) goto target (else fall through). */
  jumpIfAtLeast(k: number, target: string): this {
    this.items.push({ kind: 'insn', code: BPF.JGE_K, k, jt: target });
    return this;
  }

  /** if (A & k) goto target (else fall through). */
  jumpIfAnyBit(k: number, target: string): this {
    this.items.push({ kind: 'insn', code: BPF.JSET_K, k, jt: target });
    return this;
  }

  ret(value: number): this {
    this.items.push({ kind: 'insn', code: BPF.RET_K, k: value });
    return this;
  }

  /** Resolves labels; throws when a jump goes backwards or further than 255 instructions (format limits). */
  assemble(): Instruction[] {
    const positions = new Map<string, number>();
    let index = 0;
    for (const item of this.items) {
      if (item.kind === 'label') {
        if (positions.has(item.name)) throw new Error(`seccomp: label "${item.name}" defined twice`);
        positions.set(item.name, index);
      } else {
        index += 1;
      }
    }
    const out: Instruction[] = [];
    for (const item of this.items) {
      if (item.kind === 'label') continue;
      const here = out.length;
      const offset = (target: string | undefined): number => {
        if (target === undefined) return 0;
        const at = positions.get(target);
        if (at === undefined) throw new Error(`seccomp: unknown label "${target}"`);
        const delta = at - here - 1;
        if (delta < 0 || delta > 255) throw new Error(`seccomp: jump to "${target}" out of range (${delta})`);
        return delta;
      };
      out.push({ code: item.code, jt: offset(item.jt), jf: offset(item.jf), k: item.k >>> 0 });
    }
    return out;
  }
}

/** The bytes bwrap's `--seccomp FD` expects: the raw `struct sock_filter` array. */
export function encodeProgram(program: readonly Instruction[]): Buffer {
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(insn.jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    buf.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return buf;
}

export function decodeProgram(bytes: Buffer): Instruction[] {
  const out: Instruction[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    out.push({ code: bytes.readUInt16LE(at), jt: bytes.readUInt8(at + 2), jf: bytes.readUInt8(at + 3), k: bytes.readUInt32LE(at + 4) });
  }
  return out;
}
