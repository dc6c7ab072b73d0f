/** What `fleetmod doctor` does (registered in doctor.ts, loaded only when it runs). */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadJobOrThrow } from '../../manifest/load.js';
import { installCommand } from '../../sandbox/local/detect.js';
import { runSelfTest } from '../../sandbox/local/self-test.js';
import { sandboxNeeds } from '../../sandbox/shared/needs.js';
import { createGit, createLocalSandboxProvider, createSandboxProvider } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const UBUNTU_APPARMOR_FIX =
  'sudo cp /usr/share/apparmor/extra-profiles/bwrap-userns-restrict /etc/apparmor.d/ && sudo apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict';

export async function doctorCommand(io: CliIo, file?: string): Promise<ExitCode> {
  const out = (text: string) => io.stdout(`${text}\n`);
  const item = (state: 'ok' | 'warn' | 'FAIL' | 'info', text: string) => out(`  ${state.padEnd(4)}  ${text}`);
  const git = createGit(io);
  const local = createLocalSandboxProvider(io, git);
  let healthy = true;
  try {
    const uid = process.getuid?.() ?? -1;
    out(`fleetmod doctor — ${os.type()} ${os.release()} ${process.arch}, fleetmod running as ${uid === 0 ? 'root' : `uid ${uid}`}`);
    out('');
    out('Local sandbox (bubblewrap)');
    const check = await local.check();
    const caps = await local.capabilities();
    if (!check.ok) {
      healthy = false;
      for (const line of check.lines) item('FAIL', line);
      item('info', `fix: ${check.fix ?? installCommand()}`);
    } else {
      for (const line of check.lines) item(/NOT AVAILABLE|unavailable|not usable|WITHOUT/.test(line) ? 'warn' : 'ok', line);
      for (const warning of check.warnings ?? []) item('warn', warning);
      for (const note of caps.cgroups.notes) item('info', note);
      if (!caps.socat) item('info', `to use sandbox.network: ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y socat`);
      if (!caps.cgroups.version) item('info', 'memory/cpu/process limits need cgroups: run fleetmod as root (cgroup v1 or v2), or on a cgroup v1 host');
    }
    const restricted = (await readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').catch(() => '')).trim();
    if (restricted === '1') {
      item(uid === 0 ? 'info' : 'warn', 'AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+/24.04)');
      if (uid !== 0) item('info', `fix: ${UBUNTU_APPARMOR_FIX}`);
    }

    if (check.ok) {
      out('');
      out('Self-test (one real sandbox)');
      for (const line of await runSelfTest(local, caps.identity === 'drop')) {
        if (!line.ok) healthy = false;
        item(line.ok ? 'ok' : 'FAIL', line.text);
      }
    }

    if (file) {
      out('');
      const { job } = await loadJobOrThrow(path.resolve(io.cwd, file), file);
      out(`Job ${file} (sandbox.provider: ${job.sandbox.provider})`);
      const provider = job.sandbox.provider === 'local' ? local : await createSandboxProvider(job, io, git);
      const jobCheck = await provider.check(sandboxNeeds(job));
      if (!provider.isolated) item('warn', 'provider host: steps run WITHOUT isolation');
      if (jobCheck.ok) item('ok', 'this machine can enforce everything the job asks for');
      else {
        healthy = false;
        for (const line of jobCheck.lines) item('FAIL', line);
        if (jobCheck.fix) item('info', `fix: ${jobCheck.fix}`);
      }
      for (const warning of jobCheck.warnings ?? []) item('warn', warning);
      if (provider !== local) await provider.shutdown();
    }
    out('');
    out(healthy ? 'The local sandbox is ready.' : 'Something above needs fixing before jobs can run safely here.');
    return healthy ? EXIT.ok : EXIT.usage;
  } finally {
    await local.shutdown();
  }
}
