/** The CLI's view of the outside world, injected so commands can be run in-process by tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is an interactive terminal (progress bar vs. lines). */
  isTTY: boolean;
  /** Process signals for graceful stop; tests pass their own emitter. */
  signals: SignalSource;
}

/** SIGHUP: the terminal or SSH session the run was started from went away. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface SignalSource {
  on(signal: StopSignal, listener: () => void): void;
  off(signal: StopSignal, listener: () => void): void;
}

export function processIo(): CliIo {
  // A closed pipe (`fleetmod report | head`) or a terminal that went away (EIO after a hang-up) must not crash a run
  // that is still working or stopping: its output is lost, the journal is not.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    signals: process,
  };
}
