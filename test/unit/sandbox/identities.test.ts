import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROP_UID_BASE, DROP_UID_COUNT } from '../../../src/sandbox/local/capabilities.js';
import { SandboxIdentities } from '../../../src/sandbox/local/identities.js';
import { tempDir } from '../../support/temp.js';

describe('sandbox identities (uids of drop mode, and their passwd and group)', () => {
  it('never gives one uid to two sandboxes alive at once; a given-back uid is handed out again', async () => {
    const identities = new SandboxIdentities(await tempDir());
    const held = Array.from({ length: 50 }, () => identities.acquire());

    expect(new Set(held).size).toBe(50);
    for (const uid of held) expect(uid - DROP_UID_BASE).toBeGreaterThanOrEqual(0);
    for (const uid of held) expect(uid - DROP_UID_BASE).toBeLessThan(DROP_UID_COUNT);

    identities.release(held[7] as number);
    expect(identities.acquire()).toBe(held[7]);
    // Nothing more was given back: the next uid is a new one.
    expect(held).not.toContain(identities.acquire());
  });

  it("writes a uid's passwd and group once, readable by the sandbox, and removes them all on shutdown", async () => {
    const root = await tempDir();
    const identities = new SandboxIdentities(root);
    const uid = identities.acquire();

    const folder = await identities.filesFor(uid, uid);
    const again = await identities.filesFor(uid, uid);
    const other = await identities.filesFor(1000, 1000);

    expect(again).toBe(folder);
    expect(other).not.toBe(folder);
    expect(await readFile(path.join(folder, 'passwd'), 'utf8')).toContain(`\nsandbox:x:${uid}:${uid}:fleetmod sandbox:/home/sandbox:/bin/bash\n`);
    expect(await readFile(path.join(folder, 'group'), 'utf8')).toContain(`\nsandbox:x:${uid}:\n`);
    expect(await readFile(path.join(other, 'passwd'), 'utf8')).toContain('\nsandbox:x:1000:1000:');
    expect((await stat(path.join(folder, 'passwd'))).mode & 0o777).toBe(0o644);
    expect((await readdir(path.dirname(folder))).sort()).toEqual([`${uid}-${uid}`, '1000-1000'].sort());

    await identities.remove();

    expect(existsSync(path.dirname(folder))).toBe(false);
    expect(await readdir(root)).toEqual([]);
    // Written again on demand after a shutdown.
    expect(await readFile(path.join(await identities.filesFor(uid, uid), 'passwd'), 'utf8')).toContain(`sandbox:x:${uid}:`);
    await identities.remove();
  });
});
