/**
 * `fleetmod doctor`'s proof: one real sandbox over an empty folder reports, from the inside, who it runs as, its
 * capabilities, its seccomp mode, its network devices and whether host secrets are visible. Each line says what
 * was expected and what was seen.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SandboxProvider } from '../types.js';

export interface SelfTestLine {
  ok: boolean;
  text: string;
}

const PROBE = [
  'echo "uid=$(id -u)"',
  "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\\t' | sed 's/:/=/'",
  "echo \"netdevs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | paste -sd, -)\"",
  'if [ -e /etc/shadow ]; then echo shadow=visible; else echo shadow=hidden; fi',
  'if [ -e /root ] || [ -e /home/sandbox/.ssh ]; then echo homes=visible; else echo homes=hidden; fi',
].join('\n');

export async function runSelfTest(provider: SandboxProvider, expectDropped: boolean): Promise<SelfTestLine[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-doctor-'));
  try {
    const sandbox = await provider.create({
      workspace: dir,
      files: new Map(),
      env: {},
      network: false,
      limits: { timeoutMs: 20_000, pids: 64, tmpBytes: 1 << 20, outputBytes: 16_384 },
      template: 'base',
      labels: { purpose: 'doctor' },
    });
    try {
      const result = await sandbox.exec(PROBE);
      if (result.exitCode !== 0) return [{ ok: false, text: `self-test sandbox failed: ${result.stderr.trim() || `exit ${result.exitCode}`}` }];
      const seen = Object.fromEntries(result.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
      const uid = Number(seen.uid);
      return [
        { ok: expectDropped ? uid !== 0 && uid !== 1000 : uid === 1000, text: `runs as uid ${seen.uid} inside${expectDropped ? ' (a dedicated uid, not root)' : ' (user namespace)'}` },
        { ok: /^0+$/.test(seen.CapEff ?? ''), text: `effective capabilities: ${seen.CapEff}` },
        { ok: seen.Seccomp === '2', text: `seccomp mode ${seen.Seccomp} (2 = filter installed)` },
        { ok: !expectDropped || seen.NoNewPrivs === '1', text: `no_new_privs: ${seen.NoNewPrivs}` },
        { ok: seen.netdevs === 'lo', text: `network devices: ${seen.netdevs} (only loopback: the host network is unreachable)` },
        { ok: seen.shadow === 'hidden', text: `/etc/shadow ${seen.shadow}` },
        { ok: seen.homes === 'hidden', text: `host home folders ${seen.homes}` },
      ];
    } finally {
      await sandbox.destroy();
    }
  } catch (err) {
    return [{ ok: false, text: `self-test could not run: ${(err as Error).message}` }];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
