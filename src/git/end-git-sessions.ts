/**
 * Ends every host git this process started, with the programs git started. Each host git runs in a session of its
 * own (host-git.ts), and stopping one by signalling git alone is not enough: simple-git's stop sends SIGINT to git,
 * git exits, and its remote helper (`git-remote-http`, which does the HTTP transfer) lives on — against a server
 * that stopped answering, until the connection drops — holding git's output open, which is what simple-git waits
 * for. So a stop ends the gits' whole sessions first.
 *
 * Synchronous on purpose: it runs as the stop signal's first listener, while each git still leads its session (once
 * git has exited, its helper is no longer a child of this process and its session no longer has a leader to find).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** SIGKILLs the process group of each child of this process that is a `git` leading a session of its own. */
export function endGitSessions(): void {
  const me = process.pid;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [, ppid, , session] = stat.slice(close + 2).split(' ');
    const pid = Number(name);
    if (comm !== 'git' || Number(ppid) !== me || Number(session) !== pid) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}
