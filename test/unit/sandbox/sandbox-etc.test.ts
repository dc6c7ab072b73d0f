import { existsSync, statSync } from 'node:fs';
import { chmod, link, lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ETC_ALLOW_LIST, PER_SANDBOX_ETC_FILES, SANDBOX_GITCONFIG, SANDBOX_HOSTS } from '../../../src/sandbox/local/args.js';
import { prepareSandboxEtc, writeSandboxEtcFiles } from '../../../src/sandbox/local/sandbox-etc.js';
import { tempDir } from '../../support/temp.js';

/** /dev/shm when it is a filesystem other than the temporary folder's: a link from one to the other is refused. */
const OTHER_FILESYSTEM = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(os.tmpdir()).dev ? '/dev/shm' : null;

describe('the /etc copy shared by local sandboxes', () => {
  /** A host /etc with allow-listed and other entries, some private. */
  async function hostEtc(root: string): Promise<string> {
    const etc = path.join(root, 'etc');
    await mkdir(path.join(etc, 'ssl', 'certs'), { recursive: true });
    await mkdir(path.join(etc, 'ssl', 'private'));
    await writeFile(path.join(etc, 'ssl', 'certs', 'ca-certificates.crt'), 'CERTS');
    await symlink('/usr/share/ca-certificates/mozilla/Some_CA.crt', path.join(etc, 'ssl', 'certs', 'Some_CA.pem'));
    await symlink('Some_CA.pem', path.join(etc, 'ssl', 'certs', 'abcd1234.0'));
    await writeFile(path.join(etc, 'ssl', 'private', 'host.key'), 'PRIVATE KEY');
    await chmod(path.join(etc, 'ssl', 'private'), 0o710);
    await writeFile(path.join(etc, 'ssl', 'openssl.cnf'), 'cnf');
    await writeFile(path.join(etc, 'ssl', 'secret.cnf'), 'not for others');
    await chmod(path.join(etc, 'ssl', 'secret.cnf'), 0o640);
    await writeFile(path.join(root, 'os-release'), 'NAME=Test');
    await symlink('../os-release', path.join(etc, 'os-release'));
    await writeFile(path.join(etc, 'nsswitch.conf'), 'hosts: files dns');
    await writeFile(path.join(etc, 'shadow'), 'root:$6$hash');
    await chmod(path.join(etc, 'shadow'), 0o640);
    await writeFile(path.join(etc, 'gitconfig'), '[credential]\n\thelper = store');
    await writeFile(path.join(etc, 'passwd'), 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash');
    return etc;
  }

  it('copies the allow-listed entries only, leaves out what "other" cannot read, and keeps links inside folders as links', async () => {
    const root = await tempDir();
    const source = await hostEtc(root);
    const target = path.join(root, 'sandbox-etc');
    await mkdir(target);

    await prepareSandboxEtc(target, source);

    expect((await readdir(target)).sort()).toEqual(['gitconfig', 'group', 'hosts', 'nsswitch.conf', 'os-release', 'passwd', 'ssl']);
    expect((await readdir(path.join(target, 'ssl'))).sort()).toEqual(['certs', 'openssl.cnf']);
    expect(await readFile(path.join(target, 'ssl', 'certs', 'ca-certificates.crt'), 'utf8')).toBe('CERTS');
    expect(await readlink(path.join(target, 'ssl', 'certs', 'Some_CA.pem'))).toBe('/usr/share/ca-certificates/mozilla/Some_CA.crt');
    expect(await readlink(path.join(target, 'ssl', 'certs', 'abcd1234.0'))).toBe('Some_CA.pem');
    // A top-level link is copied as what it points to, as a bind of it showed.
    expect((await lstat(path.join(target, 'os-release'))).isFile()).toBe(true);
    expect(await readFile(path.join(target, 'os-release'), 'utf8')).toBe('NAME=Test');
    // passwd and group are empty mount points: each sandbox binds its own over them, never the host's.
    expect(await readFile(path.join(target, 'passwd'), 'utf8')).toBe('');
    expect(await readFile(path.join(target, 'group'), 'utf8')).toBe('');
    // hosts and gitconfig are fleetmod's, the same for every sandbox: the host's credential helper is not there.
    expect(await readFile(path.join(target, 'hosts'), 'utf8')).toBe(SANDBOX_HOSTS);
    expect(await readFile(path.join(target, 'gitconfig'), 'utf8')).toBe(SANDBOX_GITCONFIG);
    expect((await stat(path.join(target, 'gitconfig'))).mode & 0o777).toBe(0o644);
    // Users and groups come from those files only, whatever modules the host's nsswitch.conf names.
    expect(await readFile(path.join(target, 'nsswitch.conf'), 'utf8')).toMatch(/^passwd: files\ngroup: files\n/);
    expect(await readFile(path.join(target, 'nsswitch.conf'), 'utf8')).toContain('hosts: files dns\n');
    expect((await stat(target)).mode & 0o777).toBe(0o755);
  });

  it('hard-links files and links when it can, leaving the host entries as they were, and copies a file whose mode it must change', async () => {
    const root = await tempDir();
    const source = await hostEtc(root);
    // Writable by the group: the copy must not be, so this one is copied with the write bit off, not linked.
    await writeFile(path.join(source, 'ssl', 'group-writable.cnf'), 'gw');
    await chmod(path.join(source, 'ssl', 'group-writable.cnf'), 0o664);
    const target = path.join(root, 'sandbox-etc');
    await mkdir(target);

    await prepareSandboxEtc(target, source);

    const same = async (a: string, b: string) => (await lstat(a)).ino === (await lstat(b)).ino;
    expect(await same(path.join(target, 'ssl', 'certs', 'ca-certificates.crt'), path.join(source, 'ssl', 'certs', 'ca-certificates.crt'))).toBe(true);
    // A link inside a folder is linked as the link, not as what it points to.
    expect(await same(path.join(target, 'ssl', 'certs', 'abcd1234.0'), path.join(source, 'ssl', 'certs', 'abcd1234.0'))).toBe(true);
    expect(await readlink(path.join(target, 'ssl', 'certs', 'abcd1234.0'))).toBe('Some_CA.pem');
    // A top-level link is linked as the file it points to.
    expect(await same(path.join(target, 'os-release'), path.join(root, 'os-release'))).toBe(true);
    expect((await lstat(path.join(target, 'os-release'))).isFile()).toBe(true);
    // Copied, not linked, and the host's file keeps its mode.
    expect(await same(path.join(target, 'ssl', 'group-writable.cnf'), path.join(source, 'ssl', 'group-writable.cnf'))).toBe(false);
    expect((await stat(path.join(target, 'ssl', 'group-writable.cnf'))).mode & 0o777).toBe(0o644);
    expect((await stat(path.join(source, 'ssl', 'group-writable.cnf'))).mode & 0o777).toBe(0o664);
    // Folders are the copy's own.
    expect(await same(path.join(target, 'ssl'), path.join(source, 'ssl'))).toBe(false);
    // fleetmod's own files are new files, and the host's of the same name are untouched.
    expect(await readFile(path.join(source, 'nsswitch.conf'), 'utf8')).toBe('hosts: files dns');
    expect(await readFile(path.join(source, 'passwd'), 'utf8')).toContain('alice');
  });

  it.skipIf(OTHER_FILESYSTEM === null)('copies everything when the host /etc is on another filesystem (skipped where /dev/shm is missing or the temporary folder is on it)', async () => {
    const root = await mkdtemp(path.join(OTHER_FILESYSTEM as string, 'fleetmod-test-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const source = await hostEtc(root);
    const target = path.join(await tempDir(), 'sandbox-etc');
    await mkdir(target);

    await prepareSandboxEtc(target, source);

    expect((await readdir(path.join(target, 'ssl'))).sort()).toEqual(['certs', 'openssl.cnf']);
    expect(await readFile(path.join(target, 'ssl', 'certs', 'ca-certificates.crt'), 'utf8')).toBe('CERTS');
    expect((await lstat(path.join(target, 'ssl', 'certs', 'ca-certificates.crt'))).nlink).toBe(1);
    expect(await readlink(path.join(target, 'ssl', 'certs', 'abcd1234.0'))).toBe('Some_CA.pem');
    expect(await readFile(path.join(target, 'os-release'), 'utf8')).toBe('NAME=Test');
  });

  it("never writes fleetmod's own files through an entry already there, which could be a link to a host file", async () => {
    const root = await tempDir();
    const hostHosts = path.join(root, 'host-hosts');
    await writeFile(hostHosts, '10.0.0.1 internal');
    const target = path.join(root, 'sandbox-etc');
    await mkdir(target);
    await link(hostHosts, path.join(target, 'hosts'));

    await expect(writeSandboxEtcFiles(target)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(hostHosts, 'utf8')).toBe('10.0.0.1 internal');
    // And no allow-listed host entry can be one of them.
    const own = ['nsswitch.conf', 'hosts', 'gitconfig', ...PER_SANDBOX_ETC_FILES];
    expect(ETC_ALLOW_LIST.filter((entry) => own.includes(entry))).toEqual([]);
  });
});

