/**
 * The fake's bookkeeping: which sandboxes are alive, the plan limits (concurrency, creation rate), injected
 * faults, and the statistics tests assert on (peak concurrency, rejections, every create request).
 */
import { FakeSandbox, type CreateRequest } from './sandbox.js';
import type { Fault, FaultAction, FaultTarget, FakeE2bOptions } from './options.js';

export interface CreateRecord {
  at: number;
  sandboxId?: string;
  request: CreateRequest;
  /** Why it was refused, when it was. */
  rejected?: 'concurrency' | 'rate' | 'auth' | 'fault';
}

export interface CommandRecord {
  sandboxId: string;
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  at: number;
}

export interface UploadRecord {
  sandboxId: string;
  /** Sandbox paths written. */
  paths: string[];
  contentType: string;
  contentEncoding?: string;
  username?: string;
  /** Authorised by a signature rather than the token header. */
  signed: boolean;
}

export interface FakeStats {
  created: number;
  alive: number;
  peakAlive: number;
  killed: number;
  expired: number;
  rejected: { concurrency: number; rate: number; auth: number; fault: number };
}

export class FakeCloud {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly creates: CreateRecord[] = [];
  readonly commands: CommandRecord[] = [];
  readonly uploads: UploadRecord[] = [];
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly acceptedAt: number[] = [];
  /** Creates accepted but still "booting" (start latency); they count toward concurrency. */
  private booting = 0;
  private closed = false;
  private stats: FakeStats = {
    created: 0,
    alive: 0,
    peakAlive: 0,
    killed: 0,
    expired: 0,
    rejected: { concurrency: 0, rate: 0, auth: 0, fault: 0 },
  };

  constructor(readonly options: Required<Pick<FakeE2bOptions, 'apiKey' | 'envdVersion' | 'accessToken' | 'startLatencyMs' | 'defaultTimeoutSeconds' | 'cpuCount' | 'memoryMB'>> & FakeE2bOptions) {}

  snapshot(): FakeStats {
    return { ...this.stats, alive: this.sandboxes.size, rejected: { ...this.stats.rejected } };
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The first armed fault for this request, used up by one. */
  takeFault(on: FaultTarget, subject = ''): (Fault & { action: FaultAction }) | undefined {
    const fault = this.faults.find((f) => f.on === on && f.left > 0 && (!f.match || f.match.test(subject)));
    if (!fault) return undefined;
    fault.left -= 1;
    return fault;
  }

  /** Why a create must be refused right now (plan limits), or undefined. Reserves a slot when accepted. */
  admit(now: number): 'concurrency' | 'rate' | undefined {
    const limit = this.options.maxConcurrent;
    if (limit !== undefined && this.sandboxes.size + this.booting >= limit) return 'concurrency';
    const rate = this.options.creationRate;
    if (rate) {
      const window = rate.perMs - (rate.graceMs ?? 0);
      while (this.acceptedAt.length > 0 && (this.acceptedAt[0] as number) <= now - window) this.acceptedAt.shift();
      if (this.acceptedAt.length >= rate.count) return 'rate';
      this.acceptedAt.push(now);
    }
    this.booting += 1;
    this.track();
    return undefined;
  }

  reject(record: CreateRecord, reason: NonNullable<CreateRecord['rejected']>): void {
    record.rejected = reason;
    this.stats.rejected[reason] += 1;
  }

  async boot(request: CreateRequest): Promise<FakeSandbox> {
    try {
      const sandbox = await FakeSandbox.create(request, {
        accessToken: this.options.accessToken,
        envdVersion: this.options.envdVersion,
        timeoutSeconds: request.timeout ?? this.options.defaultTimeoutSeconds,
        onExpire: (s) => void this.expire(s.id),
      });
      if (this.closed) {
        await sandbox.destroy();
        throw new Error('fake e2b is closed');
      }
      this.sandboxes.set(sandbox.id, sandbox);
      this.stats.created += 1;
      return sandbox;
    } finally {
      this.booting -= 1;
      this.track();
    }
  }

  async kill(id: string): Promise<boolean> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return false;
    this.sandboxes.delete(id);
    this.stats.killed += 1;
    await sandbox.destroy();
    return true;
  }

  /** The sandbox reaches its end of life (timeout, or a fault): gone for the API, 502 for envd. */
  async expire(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    this.sandboxes.delete(id);
    this.stats.expired += 1;
    await sandbox.destroy();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.all(all.map((s) => s.destroy()));
  }

  private track(): void {
    this.stats.peakAlive = Math.max(this.stats.peakAlive, this.sandboxes.size + this.booting);
  }
}
