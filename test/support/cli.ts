/** Runs the real CLI in-process with captured output and a controllable signal source. */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { CliIo, StopSignal } from '../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  out: () => string;
  err: () => string;
  /** Simulates Ctrl-C / SIGTERM / a hang-up. */
  signal: (name: StopSignal) => void;
}

export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

/** The clone cache goes under the test's own folder (`cwd`), so tests never share or leave mirrors behind. */
export function captureIo(cwd: string, env: NodeJS.ProcessEnv = testEnv({ FLEETMOD_CACHE_DIR: path.join(cwd, '.mirrors') })): CapturedIo {
  let out = '';
  let err = '';
  const emitter = new EventEmitter();
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env,
    cwd,
    isTTY: false,
    signals: {
      on: (s, l) => emitter.on(s, l),
      off: (s, l) => emitter.off(s, l),
    },
    out: () => out,
    err: () => err,
    signal: (name) => emitter.emit(name),
  };
}

export async function cli(io: CliIo, ...argv: string[]): Promise<number> {
  return runCli(argv, io);
}

/** Ctrl-C twice (a hard stop) as soon as a repository's steps start; `--json` output is what it watches. */
export function hardStopAtFirstStep(io: CapturedIo): CapturedIo {
  const write = io.stdout;
  io.stdout = (text) => {
    write(text);
    if (text.includes('"stage":"steps"')) {
      io.signal('SIGINT');
      io.signal('SIGINT');
    }
  };
  return io;
}
