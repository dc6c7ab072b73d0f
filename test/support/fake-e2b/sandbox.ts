/**
 * One fake sandbox: a temporary directory that plays the VM's filesystem (`home/user` and `tmp` are bound into
 * every command's bubblewrap sandbox), its lifetime timer, its running processes and the envd connections that
 * die with it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface FakeProcess {
  pid: number;
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
  tag?: string;
  /** Stops the process; `reason` decides how its stream ends. */
  kill(reason: 'signal' | 'deadline' | 'sandbox-gone' | 'client-gone'): void;
  /** Settles when the process has exited. */
  exited: Promise<void>;
}

export interface CreateRequest {
  templateID: string;
  timeout?: number;
  metadata?: Record<string, string>;
  envVars?: Record<string, string>;
  allow_internet_access?: boolean;
  network?: Record<string, unknown>;
}

export class FakeSandbox {
  readonly id = `i${randomBytes(10).toString('hex')}`;
  readonly clientID = randomBytes(4).toString('hex');
  readonly startedAt = new Date();
  endAt: Date;
  state: 'running' | 'dead' = 'running';
  readonly processes = new Map<number, FakeProcess>();
  /** Open envd responses (streams); a dead sandbox's edge proxy drops them. */
  readonly connections = new Set<ServerResponse>();
  private nextPid = 1000;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly request: CreateRequest,
    readonly root: string,
    readonly token: string | undefined,
    readonly envdVersion: string,
    private readonly onExpire: (sandbox: FakeSandbox) => void,
  ) {
    this.endAt = new Date();
  }

  static async create(
    request: CreateRequest,
    options: { accessToken: boolean; envdVersion: string; timeoutSeconds: number; onExpire: (s: FakeSandbox) => void },
  ): Promise<FakeSandbox> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'fake-e2b-'));
    await mkdir(path.join(root, 'home', 'user'), { recursive: true });
    await mkdir(path.join(root, 'tmp'), { recursive: true });
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/bash\n');
    await writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\nuser:x:1000:\n');
    const token = options.accessToken ? randomBytes(16).toString('hex') : undefined;
    const sandbox = new FakeSandbox(request, root, token, options.envdVersion, options.onExpire);
    sandbox.setTimeout(options.timeoutSeconds);
    return sandbox;
  }

  get metadata(): Record<string, string> {
    return this.request.metadata ?? {};
  }

  get alive(): boolean {
    return this.state === 'running';
  }

  allocatePid(): number {
    this.nextPid += 1;
    return this.nextPid;
  }

  /** Lifetime from now (the API's `setTimeout` semantics). */
  setTimeout(seconds: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.endAt = new Date(Date.now() + seconds * 1000);
    this.timer = setTimeout(() => this.onExpire(this), seconds * 1000);
    this.timer.unref();
  }

  /** Only ever lengthens the lifetime (the API's `connect` semantics). */
  extendTimeout(seconds: number): void {
    if (Date.now() + seconds * 1000 > this.endAt.getTime()) this.setTimeout(seconds);
  }

  /** Ends the sandbox: processes killed, envd connections dropped, filesystem removed. */
  async destroy(): Promise<void> {
    if (this.state === 'dead') return;
    this.state = 'dead';
    if (this.timer) clearTimeout(this.timer);
    const running = [...this.processes.values()];
    for (const proc of running) proc.kill('sandbox-gone');
    for (const res of this.connections) res.destroy();
    this.connections.clear();
    await Promise.all(running.map((p) => p.exited));
    await rm(this.root, { recursive: true, force: true }).catch(() => undefined);
  }
}
