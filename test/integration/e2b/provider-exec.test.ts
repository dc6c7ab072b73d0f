import { mkdir, readFile, symlink, writeFile, chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeE2b } from '../../support/fake-e2b/index.js';
import { e2bProvider, hostGit, sampleCheckout, sandboxRequest } from '../../support/e2b-provider.js';
import { git } from '../../support/git.js';
import { tempDir } from '../../support/temp.js';

describe('E2B provider: commands, files and the diff', () => {
  it('runs steps in the uploaded checkout with the strict shell, env, cwd and streamed output', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    const filesDir = await tempDir();
    await writeFile(path.join(filesDir, 'codemod.sh'), 'echo from-step-file\n');
    const provider = e2bProvider(fake);
    const sandbox = await provider.create(sandboxRequest(workspace, { env: { JOB_VAR: 'job' }, files: new Map([['tools/codemod.sh', path.join(filesDir, 'codemod.sh')]]) }));
    const chunks: string[] = [];

    const listing = await sandbox.exec('ls; git rev-parse HEAD; echo $JOB_VAR $STEP_VAR $FLEETMOD_SANDBOX', { env: { STEP_VAR: 'step' }, onOutput: (_s, c) => chunks.push(c) });
    const inSrc = await sandbox.exec('pwd', { cwd: 'src' });
    const errexit = await sandbox.exec('false; echo not reached');
    const pipefail = await sandbox.exec('false | true');
    const stepFile = await sandbox.exec('bash "$FLEETMOD_FILES/tools/codemod.sh"; touch "$FLEETMOD_FILES/x" 2>/dev/null || echo read-only');
    await sandbox.destroy();

    expect(listing).toMatchObject({ exitCode: 0, timedOut: false, truncated: false });
    expect(listing.stdout).toBe(`CHANGELOG.md\nREADME.md\npackage.json\nsrc\n${await hostGit().headSha(workspace)}\njob step e2b\n`);
    expect(chunks.join('')).toBe(listing.stdout);
    expect(inSrc.stdout).toBe('/home/user/workspace/src\n');
    expect(errexit).toMatchObject({ exitCode: 1, stdout: '' });
    expect(pipefail.exitCode).toBe(1);
    expect(stepFile.stdout).toBe('from-step-file\nread-only\n');
    expect(fake.stats()).toMatchObject({ created: 1, alive: 0, killed: 1 });
  });

  it('turns deadlines, aborts and non-zero exits into results, and caps output', async () => {
    const fake = await startFakeE2b();
    const provider = e2bProvider(fake);
    const sandbox = await provider.create(sandboxRequest(await sampleCheckout(), { limits: { timeoutMs: 60_000, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 1000 } }));
    const abort = new AbortController();

    const timedOut = await sandbox.exec('echo before; sleep 5', { timeoutMs: 400 });
    const exited = await sandbox.exec('echo oops >&2; exit 7');
    const long = await sandbox.exec('head -c 5000 /dev/zero | tr "\\0" a');
    setTimeout(() => abort.abort(), 300);
    const aborted = await sandbox.exec('sleep 5', { signal: abort.signal });
    await provider.shutdown();

    expect(timedOut).toMatchObject({ exitCode: null, timedOut: true, killedBy: 'timeout', stdout: 'before\n' });
    expect(exited).toMatchObject({ exitCode: 7, stderr: 'oops\n', timedOut: false });
    expect(long.truncated).toBe(true);
    expect(long.stdout).toContain('bytes of output cut by fleetmod');
    expect(aborted).toMatchObject({ exitCode: null, killedBy: 'aborted' });
    expect(fake.stats().alive).toBe(0);
  });

  it('stops at the job budget: a step may not outlive sandbox.timeout', async () => {
    const fake = await startFakeE2b();
    const sandbox = await e2bProvider(fake).create(sandboxRequest(await sampleCheckout(), { limits: { timeoutMs: 500, pids: 1024, tmpBytes: 2 ** 20, outputBytes: 2 ** 20 } }));

    const result = await sandbox.exec('sleep 5', { timeoutMs: 60_000 });
    await sandbox.destroy();

    expect(result).toMatchObject({ exitCode: null, timedOut: true });
    expect(fake.commands().at(-1)?.timeoutMs).toBeLessThanOrEqual(500);
  });

  it('exports exactly the diff host git makes of the same change: new, deleted, binary, mode, symlink', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    const sandbox = await e2bProvider(fake).create(sandboxRequest(workspace));
    const change = [
      "sed -i 's/fetchData/loadData/g' src/client.js src/index.js",
      'rm README.md',
      'mkdir -p assets && printf "\\x00\\x01\\xff" > assets/blob.bin',
      'chmod +x package.json',
      'ln -s src/index.js entry.js',
      'printf "caf\\xc3\\xa9\\n" > "notes é.txt"',
    ].join(' && ');

    expect((await sandbox.exec(change)).exitCode).toBe(0);
    const remote = await sandbox.exportDiff();
    await sandbox.destroy();
    for (const file of ['src/client.js', 'src/index.js']) {
      await writeFile(path.join(workspace, file), (await readFile(path.join(workspace, file), 'utf8')).replaceAll('fetchData', 'loadData'));
    }
    await rm(path.join(workspace, 'README.md'));
    await mkdir(path.join(workspace, 'assets'));
    await writeFile(path.join(workspace, 'assets/blob.bin'), Buffer.from([0, 1, 255]));
    await chmod(path.join(workspace, 'package.json'), 0o755);
    await symlink('src/index.js', path.join(workspace, 'entry.js'));
    await writeFile(path.join(workspace, 'notes é.txt'), 'café\n');
    const local = await hostGit().worktreeDiff(workspace);

    expect(remote).toContain('GIT binary patch');
    expect(remote).toContain('new file mode 120000');
    expect(remote).toBe(local);
    expect(await sandbox.exportDiff().catch((err: unknown) => err)).toBeInstanceOf(Error);
  });

  it.each([
    ['commits it (as some coding agents do)', 'git -c user.name=agent -c user.email=agent@example.com commit -qam "agent: rename"'],
    ['moves HEAD below it', 'git reset -q --soft HEAD~1'],
  ])('takes the change against the checkout it was given when a step %s', async (_what, moveHead) => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    const sandbox = await e2bProvider(fake).create(sandboxRequest(workspace));

    expect((await sandbox.exec(`sed -i 's/fetchData/loadData/g' src/client.js && ${moveHead}`)).exitCode).toBe(0);
    const remote = await sandbox.exportDiff();
    await sandbox.destroy();
    const file = path.join(workspace, 'src/client.js');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('fetchData', 'loadData'));

    expect(remote).toContain('+++ b/src/client.js');
    expect(remote).toBe(await hostGit().worktreeDiff(workspace));
  });

  it('leaves out what the repository ignores (node_modules after an install), as host git does; an ignored file it tracks still counts', async () => {
    const fake = await startFakeE2b();
    const workspace = await sampleCheckout();
    await writeFile(path.join(workspace, '.gitignore'), 'node_modules/\n*.log\n');
    await writeFile(path.join(workspace, 'build.log'), 'tracked anyway\n');
    await git(workspace, 'add', '--force', '.gitignore', 'build.log');
    await git(workspace, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '-qm', 'ignore dependencies and logs');
    const sandbox = await e2bProvider(fake).create(sandboxRequest(workspace));
    const change = [
      'mkdir -p node_modules/dep && echo "module.exports = 1" > node_modules/dep/index.js',
      'echo debug > npm-debug.log',
      'echo updated >> build.log',
      "sed -i 's/fetchData/loadData/g' src/client.js",
    ].join(' && ');

    expect((await sandbox.exec(change)).exitCode).toBe(0);
    const remote = await sandbox.exportDiff();
    await sandbox.destroy();
    await mkdir(path.join(workspace, 'node_modules/dep'), { recursive: true });
    await writeFile(path.join(workspace, 'node_modules/dep/index.js'), 'module.exports = 1\n');
    await writeFile(path.join(workspace, 'npm-debug.log'), 'debug\n');
    await writeFile(path.join(workspace, 'build.log'), 'tracked anyway\nupdated\n');
    const file = path.join(workspace, 'src/client.js');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('fetchData', 'loadData'));
    const local = await hostGit().worktreeDiff(workspace);

    expect(remote.match(/^diff --git .*$/gm)).toEqual(['diff --git a/build.log b/build.log', 'diff --git a/src/client.js b/src/client.js']);
    expect(remote).toBe(local);
  });

  it('reads and writes workspace files, refusing paths outside it', async () => {
    const fake = await startFakeE2b();
    const sandbox = await e2bProvider(fake).create(sandboxRequest(await sampleCheckout()));

    await sandbox.writeFile('src/new.txt', Buffer.from('written'));
    const back = await sandbox.readFile('src/new.txt');
    const seen = await sandbox.exec('cat src/new.txt');
    const escape = await sandbox.readFile('../../etc/passwd').catch((err: unknown) => err);
    const missing = await sandbox.readFile('nope.txt').catch((err: unknown) => err);
    await sandbox.destroy();

    expect(back.toString()).toBe('written');
    expect(seen.stdout).toBe('written');
    expect(String(escape)).toContain('is not inside the workspace');
    expect(String(missing)).toContain('does not exist');
  });
});
