import { chmod, lstat, mkdir, readFile, readlink, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_GITCONFIG, SANDBOX_HOSTS } from '../../../src/sandbox/local/args.js';
import { prepareSandboxEtc } from '../../../src/sandbox/local/sandbox-etc.js';
import { tempDir } from '../../support/temp.js';

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
});
