import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli } from '../../support/cli.js';
import { demoFixture } from '../../support/demo-fixture.js';
import { branchSha } from '../../support/git.js';

const BRANCH = 'fleetmod/demo-rename-fetchdata';

async function demoWithSandbox(lines: string, count = 2) {
  const demo = await demoFixture(count);
  const jobFile = path.join(demo.root, demo.job);
  const yaml = (await readFile(jobFile, 'utf8')).replace('sandbox:\n  provider: local\n', `sandbox:\n${lines}`);
  await writeFile(jobFile, yaml);
  return demo;
}

describe('fleetmod doctor', () => {
  it('lists the isolation and limits in force, proves them with one sandbox, and exits 0', async () => {
    const io = captureIo(process.cwd());

    const code = await cli(io, 'doctor');

    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toMatch(/ok {4}bubblewrap \d+\.\d+\.\d+ at \//);
    expect(out).toMatch(/ok {4}seccomp: (x86_64|aarch64) filter denies/);
    expect(out).toMatch(/ {2}(ok {4}|warn {2})memory limit: /);
    expect(out).toMatch(/ {2}(ok {4}|warn {2})network opt-in: /);
    expect(out).toMatch(/Self-test \(one real sandbox\)\n(  ok {4}.*\n){7}/);
    expect(out).toContain('The local sandbox is ready.');
  });

  it('with a job it cannot run safely, says what is wrong and exits 2', async () => {
    const demo = await demoWithSandbox('  provider: local\n  network: ["not a host name"]\n');
    const io = captureIo(demo.root);

    const code = await cli(io, 'doctor', demo.job);

    expect(code).toBe(2);
    // The manifest check catches it first, with its position (the same parser as the egress proxy decides).
    expect(io.err()).toContain('jobs/examples/demo.yaml:15:13: sandbox.network[0]: "not a host name": not a host name, address or range\n');
  });
});

describe('fleetmod run and the sandbox', () => {
  it('refuses before anything runs when the job asks for what the sandbox cannot enforce (exit 2)', async () => {
    const demo = await demoWithSandbox('  provider: local\n  network: ["registry.npmjs.org", "10.0.0.0/33"]\n');
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', demo.job);

    expect(code).toBe(2);
    expect(io.err()).toBe('jobs/examples/demo.yaml:15:35: sandbox.network[1]: "10.0.0.0/33": /33 is not a valid prefix length\n');
    expect(existsSync(path.join(demo.root, '.fleetmod', 'fleetmod.db'))).toBe(false);
    for (const repo of demo.repos) expect(await branchSha(repo.path, BRANCH)).toBeNull();
  });

  it('provider: host runs only when the manifest says so, and says loudly that nothing is isolated', async () => {
    const demo = await demoWithSandbox('  provider: host\n');
    const io = captureIo(demo.root);

    const code = await cli(io, 'run', demo.job);

    expect(code).toBe(0);
    expect(io.err()).toContain('sandbox.provider: host -- steps run WITHOUT ANY ISOLATION on this machine');
    expect(io.out()).toContain('sandbox host (NO ISOLATION)');
    for (const repo of demo.repos) expect(await branchSha(repo.path, BRANCH)).not.toBeNull();
  });
});
