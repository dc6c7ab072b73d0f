/**
 * Runs a fake sandbox's command inside bubblewrap, so tests never run sandboxed commands on the host: the
 * sandbox's directory is bound at /home/user (and its tmp at /tmp), /usr is read-only, there is no network and
 * no host environment. Kept separate from src/sandbox/local on purpose: the fake must not change when the
 * product's local sandbox does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FakeSandbox } from './sandbox.js';

const ETC = ['ssl', 'ca-certificates', 'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'nsswitch.conf'];

export interface BwrapCommand {
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd: string;
}

export interface BwrapProcess {
  child: ChildProcess;
  stdout: Readable;
  stderr: Readable;
  /**
   * Kills the whole sandboxed tree. Killing bwrap alone is not enough: when bwrap runs as root and switches to
   * uid 1000, its child loses the parent-death signal and would outlive it, holding the output pipes open. So the
   * namespace's init (reported on --info-fd) is killed, which takes every process in the pid namespace with it.
   */
  kill(): void;
}

export function spawnInBwrap(sandbox: FakeSandbox, command: BwrapCommand): BwrapProcess {
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try',
    '--uid', '1000', '--gid', '1000',
    '--hostname', sandbox.id,
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
    '--dir', '/etc',
  ];
  for (const entry of ETC) args.push('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
  args.push(
    '--ro-bind', path.join(sandbox.root, 'etc', 'passwd'), '/etc/passwd',
    '--ro-bind', path.join(sandbox.root, 'etc', 'group'), '/etc/group',
    '--proc', '/proc',
    '--dev', '/dev',
    '--bind', path.join(sandbox.root, 'tmp'), '/tmp',
    '--bind', path.join(sandbox.root, 'home', 'user'), '/home/user',
    '--chdir', command.cwd,
    '--clearenv',
  );
  for (const [key, value] of Object.entries(command.envs)) args.push('--setenv', key, value);
  args.push('--info-fd', '3', '--', command.cmd, ...command.args);
  const child = spawn('bwrap', args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: {} });
  let info = '';
  let initPid: number | undefined;
  let killRequested = false;
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const killInit = () => {
    // Once bwrap is gone its init is gone too, and the pid may already belong to another process.
    if (exited) return;
    try {
      process.kill(initPid as number, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const infoPipe = child.stdio[3] as Readable;
  infoPipe.setEncoding('utf8').on('data', (chunk: string) => {
    info += chunk;
    const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (match && initPid === undefined) {
      initPid = Number(match[1]);
      if (killRequested) killInit();
    }
  });
  // bwrap that never reported an init (it failed to set up) has nothing inside to outlive it.
  infoPipe.on('close', () => {
    if (killRequested && initPid === undefined) child.kill('SIGKILL');
  });
  infoPipe.on('error', () => undefined);
  return {
    child,
    stdout: child.stdout as Readable,
    stderr: child.stderr as Readable,
    kill() {
      // bwrap itself exits once its init is gone; killing bwrap first could orphan an init not yet reported.
      killRequested = true;
      if (initPid !== undefined) killInit();
    },
  };
}

/**
 * The environment envd gives every process (e2b.dev/docs/sandbox/environment-variables) plus the sandbox's
 * create-time `envVars`; a request's own `envs` go on top.
 */
export function envdEnvironment(sandbox: FakeSandbox): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/home/user',
    USER: 'user',
    LOGNAME: 'user',
    SHELL: '/bin/bash',
    E2B_SANDBOX: 'true',
    E2B_SANDBOX_ID: sandbox.id,
    E2B_TEAM_ID: 'fake-team',
    E2B_TEMPLATE_ID: sandbox.request.templateID,
    ...(sandbox.request.envVars ?? {}),
  };
}
