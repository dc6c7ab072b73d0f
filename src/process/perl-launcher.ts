/**
 * ProcessLauncher through a helper process (perl-helper-source.ts) that forks the programs for fleetmod.
 *
 * Why: Node forks a child by copying the page tables of its whole process, and the child tears them down again at
 * its exec. fleetmod holds 100–150 MB during a large run, and a fork of it costs both sides about a millisecond of
 * CPU and the faults after it — per program, several per repository (`perf` over a cold run of the end-to-end
 * benchmark: about 8% of fleetmod's CPU, in `copy_process` and in the children's exec). The helper is a few
 * megabytes, so its forks cost almost nothing, and a request to it is one write to a pipe.
 *
 * The helper is started at the first launch and lives as long as this launcher's process; it holds the event loop
 * only while a program of it runs, as a child process would. If it dies, the programs in flight fail with the
 * reason and the next launch starts a new one.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { LaunchedProcess, LaunchListener, LaunchRequest, ProcessLauncher } from './launcher.js';
import { PERL_HELPER_SOURCE } from './perl-helper-source.js';

/** How much of the helper's own error output a failure message keeps. */
const HELPER_STDERR_CHARS = 2_000;

type HelperProcess = ChildProcessByStdio<Writable, Readable, Readable>;

interface Helper {
  process: HelperProcess;
  listeners: Map<number, LaunchListener>;
  /** Settles once the helper has exited and been collected. */
  closed?: Promise<void>;
}

export function createPerlLauncher(perl: string): ProcessLauncher {
  let helper: Helper | undefined;
  let nextId = 1;

  const start = (): Helper => {
    const child = spawn(perl, ['-e', PERL_HELPER_SOURCE], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own session: a Ctrl-C in the terminal is for fleetmod, which decides what happens to the programs.
      detached: true,
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
    });
    const started: Helper = { process: child, listeners: new Map() };
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-HELPER_STDERR_CHARS);
    });
    child.stdout.on('data', readFrames((frame) => deliver(started, frame)));
    let ended = false;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      if (helper === started) helper = undefined;
      const error = new Error(`the process helper stopped (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
      for (const listener of started.listeners.values()) {
        listener.failed(error);
        listener.closed(null, null);
      }
      started.listeners.clear();
    };
    child.on('error', (err) => end(err.message));
    child.on('close', (code, signal) => end(signal ? `killed by ${signal}` : `exit code ${code}`));
    // Writing to a helper that has just died fails here; 'close' then fails its programs.
    child.stdin.on('error', () => undefined);
    holdEventLoop(child, false);
    started.closed = new Promise((resolve) => child.once('close', () => resolve()));
    return started;
  };

  return {
    launch(request, listener) {
      refuseNulBytes(request);
      const current = (helper ??= start());
      const id = nextId++;
      if (current.listeners.size === 0) holdEventLoop(current.process, true);
      current.listeners.set(id, listener);
      current.process.stdin.write(encodeStart(id, request));
      const handle: LaunchedProcess = {
        killGroup(signal) {
          if (current.listeners.has(id)) current.process.stdin.write(`K ${id} ${constants.signals[signal]}\n`);
        },
      };
      return handle;
    },

    async close() {
      const current = helper;
      if (!current) return;
      helper = undefined;
      // Held until collected: an unreferenced helper would let this process exit first, and leave it to init.
      holdEventLoop(current.process, true);
      // The end of its standard input is the helper's signal to end its programs and exit (perl-helper-source.ts).
      current.process.stdin.end();
      await current.closed;
    },
  };
}

/** Node's spawn refuses these (a C string ends at the first); so does this launcher, before anything starts. */
function refuseNulBytes(request: LaunchRequest): void {
  const strings = [request.file, ...request.args, ...Object.entries(request.env).flat(), request.cwd ?? ''];
  if (strings.some((text) => text.includes('\0'))) throw new TypeError(`a program's name, arguments, environment and working directory cannot hold a NUL byte (${request.file})`);
}

/** Ref or unref everything of the helper that can keep the event loop alive. */
function holdEventLoop(child: HelperProcess, hold: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[]) {
    if (hold) handle.ref();
    else handle.unref();
  }
}

interface Frame {
  kind: 'O' | 'E' | 'F' | 'X';
  id: number;
  fields: string[];
  payload?: Buffer;
}

function deliver(helper: Helper, frame: Frame): void {
  const listener = helper.listeners.get(frame.id);
  if (!listener) return;
  if (frame.kind === 'O') listener.stdout(frame.payload as Buffer);
  else if (frame.kind === 'E') listener.stderr(frame.payload as Buffer);
  else if (frame.kind === 'F') listener.failed(new Error((frame.payload as Buffer).toString('utf8')));
  else {
    helper.listeners.delete(frame.id);
    if (helper.listeners.size === 0) holdEventLoop(helper.process, false);
    const [code, signal] = frame.fields.map(Number) as [number, number];
    listener.closed(code >= 0 ? code : null, signal > 0 ? signalName(signal) : null);
  }
}

function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

/** A `data` handler that cuts the helper's output into frames (see perl-helper-source.ts), however it arrives. */
function readFrames(onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  let rest = Buffer.alloc(0);
  return (chunk) => {
    let buffer = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    for (;;) {
      const newline = buffer.indexOf(0x0a);
      if (newline < 0) break;
      const [kind, id, ...fields] = buffer.subarray(0, newline).toString('latin1').split(' ') as [Frame['kind'], string, ...string[]];
      if (kind === 'X') {
        onFrame({ kind, id: Number(id), fields });
        buffer = buffer.subarray(newline + 1);
        continue;
      }
      const length = Number(fields[0]);
      if (buffer.length < newline + 1 + length) break;
      onFrame({ kind, id: Number(id), fields, payload: Buffer.from(buffer.subarray(newline + 1, newline + 1 + length)) });
      buffer = buffer.subarray(newline + 1 + length);
    }
    rest = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
  };
}

/** The `S` request: header line, then each field as `<length>\n<bytes>`. */
function encodeStart(id: number, request: LaunchRequest): Buffer {
  const env = Object.entries(request.env).map(([key, value]) => `${key}=${value}`);
  const fields: Buffer[] = [request.cwd ?? '', request.input ?? '', request.file, ...request.args, ...env].map((field) =>
    typeof field === 'string' ? Buffer.from(field, 'utf8') : field,
  );
  const parts: Buffer[] = [Buffer.from(`S ${id} ${request.args.length} ${env.length}\n`)];
  for (const field of fields) parts.push(Buffer.from(`${field.length}\n`), field);
  return Buffer.concat(parts);
}
