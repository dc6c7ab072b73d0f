/**
 * envd's `process.Process` service: `Start` streams start → data* → end → end-stream (honouring
 * Connect-Timeout-Ms and sending keepalives), and the unary `List` / `SendSignal`. Each process runs in
 * bubblewrap over the sandbox's directory.
 */
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { spawnInBwrap, envdEnvironment } from './bwrap.js';
import type { FakeCloud } from './cloud.js';
import { FLAG_END_STREAM, FLAG_MESSAGE, envelope, parseFirstEnvelope, sendUnary, sendUnaryError } from './connect.js';
import { sendJson } from './http.js';
import { hostPathOf } from './paths.js';
import type { FakeProcess, FakeSandbox } from './sandbox.js';

interface StartRequest {
  process: { cmd: string; args?: string[]; envs?: Record<string, string>; cwd?: string };
  tag?: string;
  stdin?: boolean;
}

export async function startProcess(cloud: FakeCloud, sandbox: FakeSandbox, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const { process: spec, tag } = parseFirstEnvelope(body) as StartRequest;
  const args = spec.args ?? [];
  const timeoutMs = req.headers['connect-timeout-ms'] ? Number(req.headers['connect-timeout-ms']) : undefined;
  const keepaliveMs = cloud.options.keepaliveIntervalMs ?? Number(req.headers['keepalive-ping-interval'] ?? 90) * 1000;
  cloud.commands.push({
    sandboxId: sandbox.id,
    cmd: spec.cmd,
    args,
    envs: spec.envs ?? {},
    ...(spec.cwd && { cwd: spec.cwd }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    at: Date.now(),
  });
  const fault = cloud.takeFault('command', [spec.cmd, ...args].join(' '));
  if (fault && typeof fault.action === 'object') return sendJson(res, fault.action.respond, fault.action.body ?? {}, fault.action.headers);

  // Listen before anything is awaited: a client that goes away meanwhile must not leave a process behind.
  let clientGone = false;
  let onClientGone = () => undefined as void;
  res.on('close', () => {
    clientGone = !res.writableFinished;
    if (clientGone) onClientGone();
  });
  res.writeHead(200, { 'content-type': 'application/connect+json' });
  const send = (flags: number, payload: unknown) => {
    if (!res.destroyed && !res.writableEnded) res.write(envelope(flags, payload));
  };
  const cwd = spec.cwd ?? '/home/user';
  const dir = await hostPathOf(sandbox, cwd).then((p) => stat(p.hostPath)).catch(() => null);
  if (clientGone || !sandbox.alive) return void res.destroy();
  if (!dir?.isDirectory()) {
    send(FLAG_END_STREAM, { error: { code: 'invalid_argument', message: `error starting process: chdir ${cwd}: no such file or directory` } });
    return void res.end();
  }

  sandbox.connections.add(res);
  const sandboxed = spawnInBwrap(sandbox, { cmd: spec.cmd, args, envs: { ...envdEnvironment(sandbox), ...(spec.envs ?? {}) }, cwd });
  const { child } = sandboxed;
  const pid = sandbox.allocatePid();
  let stopReason: 'signal' | 'deadline' | 'sandbox-gone' | 'client-gone' | undefined;
  let resolveExited!: () => void;
  const proc: FakeProcess = {
    pid,
    cmd: spec.cmd,
    args,
    envs: spec.envs ?? {},
    ...(spec.cwd && { cwd: spec.cwd }),
    ...(tag && { tag }),
    kill(reason) {
      stopReason ??= reason;
      sandboxed.kill();
    },
    exited: new Promise((resolve) => {
      resolveExited = resolve;
    }),
  };
  sandbox.processes.set(pid, proc);
  send(FLAG_MESSAGE, { event: { start: { pid } } });

  let keepalive: NodeJS.Timeout | undefined;
  const armKeepalive = () => {
    if (keepalive) clearTimeout(keepalive);
    keepalive = setTimeout(() => {
      send(FLAG_MESSAGE, { event: { keepalive: {} } });
      armKeepalive();
    }, keepaliveMs);
  };
  armKeepalive();
  const data = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    send(FLAG_MESSAGE, { event: { data: { [stream]: chunk.toString('base64') } } });
    armKeepalive();
  };
  sandboxed.stdout.on('data', data('stdout'));
  sandboxed.stderr.on('data', data('stderr'));
  const deadline = timeoutMs ? setTimeout(() => proc.kill('deadline'), timeoutMs) : undefined;
  const timers: NodeJS.Timeout[] = [];
  if (fault?.action === 'drop') timers.push(setTimeout(() => res.destroy(), fault.afterMs ?? 0));
  if (fault?.action === 'expire') timers.push(setTimeout(() => void cloud.expire(sandbox.id), fault.afterMs ?? 0));
  onClientGone = () => {
    if (sandbox.processes.has(pid)) proc.kill(stopReason ?? 'client-gone');
  };

  child.on('close', (code, signal) => {
    for (const timer of [keepalive, deadline, ...timers]) if (timer) clearTimeout(timer);
    sandbox.processes.delete(pid);
    sandbox.connections.delete(res);
    resolveExited();
    if (stopReason === 'sandbox-gone' || stopReason === 'client-gone') return void res.destroy();
    if (stopReason === 'deadline') {
      send(FLAG_END_STREAM, { error: { code: 'deadline_exceeded', message: 'context deadline exceeded' } });
      return void res.end();
    }
    const killed = signal !== null || stopReason === 'signal';
    const exitCode = killed ? -1 : (code ?? -1);
    const status = killed ? 'signal: killed' : `exit status ${exitCode}`;
    send(FLAG_MESSAGE, { event: { end: { exitCode, exited: !killed, status, ...(exitCode !== 0 && { error: status }) } } });
    send(FLAG_END_STREAM, {});
    res.end();
  });
}

export function processUnary(sandbox: FakeSandbox, method: string, message: Record<string, unknown>, res: ServerResponse): void {
  if (method === 'List') {
    const processes = [...sandbox.processes.values()].map((p) => ({
      pid: p.pid,
      ...(p.tag && { tag: p.tag }),
      config: { cmd: p.cmd, args: p.args, envs: p.envs, ...(p.cwd && { cwd: p.cwd }) },
    }));
    return sendUnary(res, { processes });
  }
  if (method === 'SendSignal') {
    const pid = (message.process as { pid?: number } | undefined)?.pid;
    const proc = pid === undefined ? undefined : sandbox.processes.get(pid);
    if (!proc) return sendUnaryError(res, 'not_found', `process with pid ${pid} not found`);
    proc.kill('signal');
    return sendUnary(res, {});
  }
  sendUnaryError(res, 'unimplemented', `fake e2b: process.Process/${method} is not implemented`);
}
