/** ProcessLauncher with Node's spawn: each program is forked from fleetmod's own process. */
import { spawn } from 'node:child_process';
import type { LaunchedProcess, LaunchListener, LaunchRequest, ProcessLauncher } from './launcher.js';

export function createNodeLauncher(): ProcessLauncher {
  // Nothing lives between launches: each program is fleetmod's own child.
  return { launch, close: async () => undefined };
}

function launch(request: LaunchRequest, listener: LaunchListener): LaunchedProcess {
  const child = spawn(request.file, request.args, {
    ...(request.cwd !== undefined && { cwd: request.cwd }),
    env: request.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // A session of its own: see launcher.ts.
    detached: true,
  });
  // A process that exits without reading all of its input closes the pipe: its exit status is what counts, not EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(request.input);
  child.stdout.on('data', (chunk: Buffer) => listener.stdout(chunk));
  child.stderr.on('data', (chunk: Buffer) => listener.stderr(chunk));
  child.on('error', (err) => listener.failed(err));
  // Node reports a program it could not start with the negated errno as its code; that is not an exit code.
  child.on('close', (code, signal) => listener.closed(code !== null && code < 0 ? null : code, signal));
  return {
    killGroup(signal) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    },
  };
}
