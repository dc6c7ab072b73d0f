/**
 * Runs a fake sandbox's command inside bubblewrap, so tests never run sandboxed commands on the host: the
 * sandbox's directory is bound at /home/user (and its tmp at /tmp), /usr is read-only, there is no network and
 * no host environment. Kept separate from src/sandbox/local on purpose: the fake must not change when the
 * product's local sandbox does.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
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

export function spawnInBwrap(sandbox: FakeSandbox, command: BwrapCommand): ChildProcessByStdio<null, Readable, Readable> {
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
  args.push('--', command.cmd, ...command.args);
  return spawn('bwrap', args, { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
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
