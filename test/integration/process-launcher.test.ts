/**
 * The two ProcessLaunchers behave the same with real programs — output, input, environment, working directory,
 * sessions, process-group kills, programs that cannot start — and the helper one forks from its helper, not from
 * fleetmod, lets its process exit when idle, and takes its programs with it when fleetmod dies.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseProcessLauncher, PERL_CANDIDATES } from '../../src/process/choose-launcher.js';
import type { LaunchRequest, ProcessLauncher } from '../../src/process/launcher.js';
import { createNodeLauncher } from '../../src/process/node-launcher.js';
import { createPerlLauncher } from '../../src/process/perl-launcher.js';
import { BUILT_MAIN, ensureBuilt } from '../support/built-cli.js';
import { tempDir } from '../support/temp.js';

const PERL = PERL_CANDIDATES[0];
const PATH_ONLY = { PATH: '/usr/bin:/bin' };

interface Finished {
  stdout: Buffer;
  stderr: string;
  failure?: Error;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function run(launcher: ProcessLauncher, request: LaunchRequest, onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Finished> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    let stderr = '';
    let failure: Error | undefined;
    let closes = 0;
    const handle = launcher.launch(request, {
      stdout(chunk) {
        stdout.push(chunk);
        onStdout?.(Buffer.concat(stdout).toString('utf8'), (signal) => handle.killGroup(signal));
      },
      stderr: (chunk) => (stderr += chunk.toString('utf8')),
      failed: (err) => (failure = err),
      closed(code, signal) {
        closes += 1;
        // Called once: a second call would show up as a different result below.
        setImmediate(() => resolve({ stdout: Buffer.concat(stdout), stderr, ...(failure && { failure }), code: closes === 1 ? code : -99, signal }));
      },
    });
  });
}

const sh = (script: string, ...args: string[]): LaunchRequest => ({ file: 'sh', args: ['-c', script, 'sh', ...args], env: PATH_ONLY });

/** State letter of a process from /proc, or undefined when it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function waitUntilGone(pid: number, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const state = processState(pid);
    if (state === undefined || state === 'Z') return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe.each([
  ['node', () => createNodeLauncher()],
  ['perl helper', () => createPerlLauncher(PERL)],
])('%s launcher', (_name, create) => {
  const launcher = create();

  it('reports both outputs and the exit code', async () => {
    const done = await run(launcher, sh('printf out; printf err >&2; exit 3'));
    expect(done).toMatchObject({ stderr: 'err', code: 3, signal: null });
    expect(done.stdout.toString()).toBe('out');
    expect(done.failure).toBeUndefined();
  });

  it('feeds a large input while the program writes as much back', async () => {
    const input = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 11)) & 0xff;
    const done = await run(launcher, { file: 'cat', args: [], env: PATH_ONLY, input });
    expect(done.code).toBe(0);
    expect(done.stdout.equals(input)).toBe(true);
  });

  it('closes standard input at once when there is no input', async () => {
    const done = await run(launcher, { file: 'cat', args: [], env: PATH_ONLY });
    expect(done).toMatchObject({ code: 0 });
    expect(done.stdout.length).toBe(0);
  });

  it('gives the program exactly the environment asked for, in the working directory asked for', async () => {
    const dir = await tempDir('fleetmod-launcher-');
    const env = { ...PATH_ONLY, ONLY_THIS: 'a b=c', EMPTY: '', UNICODE: 'ünï' };
    const printed = await run(launcher, { file: 'env', args: [], env, cwd: dir });
    expect(printed.stdout.toString('utf8').trim().split('\n').sort()).toEqual(Object.entries(env).map(([k, v]) => `${k}=${v}`).sort());
    const where = await run(launcher, { file: 'pwd', args: ['-P'], env, cwd: dir });
    expect(where.stdout.toString().trim()).toBe(await realpath(dir));
  });

  it('passes arguments byte for byte', async () => {
    const args = ['with space', '', "quote'\"", 'ünï', '--flag=$HOME', '*'];
    const done = await run(launcher, { file: 'printf', args: ['%s\\n', ...args], env: PATH_ONLY });
    expect(done.stdout.toString('utf8')).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('starts each program in a session of its own', async () => {
    const done = await run(launcher, sh('echo $$; cut -d" " -f6 /proc/$$/stat'));
    const [pid, session] = done.stdout.toString().trim().split('\n');
    expect(session).toBe(pid);
  });

  it('says why a program cannot start: missing program, missing folder', async () => {
    const missing = await run(launcher, { file: 'no-such-program-fleetmod', args: [], env: PATH_ONLY });
    expect(missing.failure?.message).toBe('spawn no-such-program-fleetmod ENOENT');
    expect(missing.code === 0).toBe(false);
    const noFolder = await run(launcher, { file: 'pwd', args: [], env: PATH_ONLY, cwd: '/no/such/folder/fleetmod' });
    expect(noFolder.failure?.message).toMatch(/^spawn pwd ENOENT$/);
  });

  it('refuses a NUL byte in an argument before starting anything', () => {
    expect(() => launcher.launch({ file: 'true', args: ['a\0b'], env: PATH_ONLY }, { stdout() {}, stderr() {}, failed() {}, closed() {} })).toThrow(TypeError);
  });

  it('reports the signal that ended a program', async () => {
    const done = await run(launcher, sh('kill -TERM $$'));
    expect(done).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('kills the whole process group, and closes only when every holder of the output is gone', async () => {
    let grandchild = 0;
    const done = await run(launcher, sh('sleep 30 & echo $!; wait'), (text, kill) => {
      if (grandchild === 0 && text.endsWith('\n')) {
        grandchild = Number(text.trim());
        kill('SIGKILL');
      }
    });
    expect(done).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(await waitUntilGone(grandchild)).toBe(true);
    const late = await run(launcher, sh('(sleep 0.3; echo late) & echo early'));
    expect(late.stdout.toString()).toBe('early\nlate\n');
  });

  it('runs many programs at once, each with its own output', async () => {
    const all = await Promise.all(Array.from({ length: 24 }, (_, i) => run(launcher, sh('printf "%s" "$1"; printf "e%s" "$1" >&2; exit $(($1 % 3))', String(i)))));
    all.forEach((done, i) => expect(done).toMatchObject({ stderr: `e${i}`, code: i % 3 }));
    all.forEach((done, i) => expect(done.stdout.toString()).toBe(String(i)));
  });
});

describe('the perl helper', () => {
  it('forks the programs itself: their parent is the helper, not this process', async () => {
    const viaHelper = await run(createPerlLauncher(PERL), sh('echo $PPID'));
    const viaNode = await run(createNodeLauncher(), sh('echo $PPID'));
    expect(Number(viaNode.stdout.toString())).toBe(process.pid);
    const helperPid = Number(viaHelper.stdout.toString());
    expect(helperPid).not.toBe(process.pid);
    expect(readFileSync(`/proc/${helperPid}/cmdline`, 'utf8').split('\0')[0]).toBe(PERL);
  });

  it('is what host git gets where perl is installed, unless FLEETMOD_PROCESS_HELPER=node', async () => {
    const parent = async (launcher: ProcessLauncher) => Number((await run(launcher, sh('echo $PPID'))).stdout.toString());
    expect(await parent(chooseProcessLauncher({}))).not.toBe(process.pid);
    expect(await parent(chooseProcessLauncher({ FLEETMOD_PROCESS_HELPER: 'node' }))).toBe(process.pid);
  });

  it('fails the programs in flight when the helper dies, and the next launch starts a new helper', async () => {
    const launcher = createPerlLauncher(PERL);
    let helperPid = 0;
    const done = await run(launcher, sh('echo $PPID; exec sleep 30'), (text) => {
      if (helperPid === 0 && text.endsWith('\n')) {
        helperPid = Number(text.trim());
        process.kill(helperPid, 'SIGKILL');
      }
    });
    expect(done.failure?.message).toMatch(/^the process helper stopped \(killed by SIGKILL\)/);
    expect(done).toMatchObject({ code: null, signal: null });
    const again = await run(launcher, sh('echo $PPID'));
    expect(again.code).toBe(0);
    expect(Number(again.stdout.toString())).not.toBe(helperPid);
  });

  it('close ends the helper and collects it; a later launch starts a new one', async () => {
    const launcher = createPerlLauncher(PERL);
    const helperPid = Number((await run(launcher, sh('echo $PPID'))).stdout.toString());
    expect(processState(helperPid)).toBeDefined();
    await launcher.close();
    // Collected by this process, not left to init: no /proc entry at all, not even a zombie's.
    expect(processState(helperPid)).toBeUndefined();
    const again = await run(launcher, sh('echo $PPID'));
    expect(Number(again.stdout.toString())).not.toBe(helperPid);
    await launcher.close();
  });

  describe('in a process of its own (the built module)', () => {
    const exec = promisify(execFile);
    let moduleUrl = '';
    beforeAll(async () => {
      await ensureBuilt();
      moduleUrl = pathToFileURL(path.join(path.dirname(path.dirname(BUILT_MAIN)), 'process', 'perl-launcher.js')).href;
    }, 120_000);

    const script = (body: string) =>
      `import { createPerlLauncher } from ${JSON.stringify(moduleUrl)};\nconst launcher = createPerlLauncher(${JSON.stringify(PERL)});\n${body}`;

    it('does not keep the process alive once its programs are done', async () => {
      const body = `launcher.launch({ file: 'echo', args: ['done'], env: { PATH: '/usr/bin:/bin' } }, {
        stdout: (c) => process.stdout.write(c), stderr() {}, failed() {}, closed: (code) => console.log('closed', code) });`;
      const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script(body)], { timeout: 10_000 });
      expect(stdout).toBe('done\nclosed 0\n');
    });

    it('keeps the process alive until close has collected the helper', async () => {
      const body = `await new Promise((resolve) => launcher.launch({ file: 'true', args: [], env: { PATH: '/usr/bin:/bin' } }, {
        stdout() {}, stderr() {}, failed() {}, closed: resolve }));
      await launcher.close();
      console.log('collected');`;
      const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script(body)], { timeout: 10_000 });
      expect(stdout).toBe('collected\n');
    });

    it("ends its programs' process groups when the process that started it dies", async () => {
      const body = `launcher.launch({ file: 'sh', args: ['-c', 'sleep 60 & echo $$ $!; wait'], env: { PATH: '/usr/bin:/bin' } }, {
        stdout: (c) => { process.stdout.write(c); process.kill(process.pid, 'SIGKILL'); }, stderr() {}, failed() {}, closed() {} });`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(body)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let printed = '';
      child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      await new Promise((resolve) => child.on('close', resolve));
      const [shell, sleeper] = printed.trim().split(' ').map(Number) as [number, number];
      expect(shell).toBeGreaterThan(0);
      expect(await waitUntilGone(shell)).toBe(true);
      expect(await waitUntilGone(sleeper)).toBe(true);
    });
  });
});
