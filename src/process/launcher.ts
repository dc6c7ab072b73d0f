/**
 * Starting a program and following it to its end: the one thing host git (git-process.ts) needs of the operating
 * system, behind an interface so where the fork happens can change (choose-launcher.ts):
 * - node-launcher.ts: Node's own spawn, from fleetmod's process;
 * - perl-launcher.ts: a small helper process that forks for fleetmod.
 *
 * Both start the program in a session of its own with exactly the environment given, feed it `input` on standard
 * input, report its output as it comes and its end once it has exited and both its outputs are closed.
 */

export interface LaunchRequest {
  /** The program; searched for in the request's PATH when it has no slash. */
  file: string;
  args: readonly string[];
  /** Working directory; the launcher's own when absent. */
  cwd?: string;
  /** The program's whole environment. */
  env: Readonly<Record<string, string>>;
  /** Written to standard input, which is then closed (empty when absent). */
  input?: string | Buffer;
}

export interface LaunchListener {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The program could not be started (`spawn git ENOENT`); `closed` still follows. */
  failed(error: Error): void;
  /** The last call: the program has exited (code, or the signal that ended it) and its outputs are closed. */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface LaunchedProcess {
  /** Sends `signal` to the program's process group (its session: the program and what it started). */
  killGroup(signal: NodeJS.Signals): void;
}

export interface ProcessLauncher {
  launch(request: LaunchRequest, listener: LaunchListener): LaunchedProcess;
  /**
   * Ends what the launcher keeps between launches and waits for it, so fleetmod exits as the parent that collected
   * it (the CPU of a helper and its programs then counts in fleetmod's own, as `times` or `time` show it). A
   * program still running is killed. A later launch starts afresh.
   */
  close(): Promise<void>;
}
