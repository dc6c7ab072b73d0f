/**
 * Attacks on the host's disk and network: filling the workspace and /tmp, connecting to a service on the host's
 * 127.0.0.1 and on its external address, and (with a network allow-list) reaching a host server that is not on
 * the list. Each attack is followed by an ordinary repo that must still get its change.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOrdinaryReposChanged, runAttacks, type AttackRun } from './support/attack-run.js';

/** The first external IPv4 address of this machine, if it has one. */
const externalAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

interface Server {
  url: string;
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

/** Like countingServer, but made in beforeAll (no per-test cleanup hooks there). */
async function server(host: string): Promise<Server> {
  let connections = 0;
  const srv = http.createServer((_q, r) => r.end('hello from the host\n'));
  srv.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    port,
    connections: () => connections,
    close: () => new Promise((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }),
  };
}

let offline: AttackRun;
let online: AttackRun;
let loopback: Server;
let external: Server | undefined;
let allowed: Server;
let notAllowed: Server;

beforeAll(async () => {
  loopback = await server('127.0.0.1');
  external = externalAddress ? await server(externalAddress) : undefined;
  allowed = await server('127.0.0.1');
  notAllowed = await server('127.0.0.1');
  // Plain bash (/dev/tcp), so the attacks need no client program installed.
  const probe = (host: string, port: number) =>
    `if (exec 3<>/dev/tcp/${host}/${port}) 2>/dev/null; then echo "REACHED ${host}:${port}"; else echo "unreachable ${host}:${port}"; fi`;
  const viaProxy = (target: string) =>
    `(exec 3<>/dev/tcp/127.0.0.1/3128 && printf 'GET http://${target}/ HTTP/1.0\\r\\nHost: ${target}\\r\\n\\r\\n' >&3 && cat <&3)`;
  offline = await runAttacks({
    sandbox: { disk: '16MiB', tmp: '8MiB' },
    stepTimeout: '10s',
    attacks: [
      { name: 'fill-disk', script: 'while true; do head -c 1M /dev/zero >> blob; done' },
      { name: 'fill-tmp', script: 'head -c 64M /dev/zero > /tmp/blob' },
      {
        name: 'connect-host',
        script: [
          'set +e',
          '{',
          `  ${probe('127.0.0.1', loopback.port)}`,
          external ? `  ${probe(externalAddress as string, external.port)}` : '  echo "no external address on this machine"',
          `  ${probe('localhost', loopback.port)}`,
          '  cat /proc/net/dev',
          '} > net.txt',
        ].join('\n'),
      },
    ],
  });
  online = await runAttacks({
    sandbox: { network: `["127.0.0.1:${allowed.port}"]` },
    attacks: [
      {
        name: 'beyond-allow-list',
        script: [
          'set +e',
          `${viaProxy(`127.0.0.1:${allowed.port}`)} > allowed.txt`,
          `${viaProxy(`127.0.0.1:${notAllowed.port}`)} > other.txt`,
          `${probe('127.0.0.1', notAllowed.port)} > direct.txt`,
          'true',
        ].join('\n'),
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([offline?.cleanup(), online?.cleanup(), loopback?.close(), external?.close(), allowed?.close(), notAllowed?.close()]);
});

describe('attacks on the host disk and network, run by fleetmod', () => {
  it('filling the workspace is stopped at sandbox.disk while it still writes', () => {
    expect(offline.attack('fill-disk')).toMatchObject({
      outcome: 'failed',
      errorMessage: expect.stringMatching(/^step "transform" did not finish: killed: disk limit: the workspace uses [\d.]+MiB, more than sandbox.disk 16MiB$/),
    });
  });

  it('filling /tmp ends at its size cap', () => {
    expect(offline.attack('fill-tmp')).toMatchObject({
      outcome: 'failed',
      errorMessage: expect.stringMatching(/No space left on device/),
    });
  });

  it('services on the host\'s 127.0.0.1 and external address are unreachable; the servers saw no connection', async () => {
    const net = await offline.attack('connect-host').file('net.txt');

    expect(net).not.toMatch(/REACHED/);
    expect(net).toContain(`unreachable 127.0.0.1:${loopback.port}`);
    expect(net).toContain(`unreachable localhost:${loopback.port}`);
    if (external) expect(net).toContain(`unreachable ${externalAddress}:${external.port}`);
    expect(net).toMatch(/^\s*lo:/m);
    expect(net).not.toMatch(/^\s*(eth|ens|enp|wl)\w*:/m);
    expect(loopback.connections()).toBe(0);
    expect(external?.connections() ?? 0).toBe(0);
  });

  it('with an allow-list, only the listed host server is reached; the other saw no connection and the log says why', async () => {
    const attack = online.attack('beyond-allow-list');

    expect(attack.outcome, attack.errorMessage ?? '').toBe('pushed');
    expect(await attack.file('allowed.txt')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello from the host\n$/);
    expect(await attack.file('other.txt')).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(await attack.file('direct.txt')).toBe(`unreachable 127.0.0.1:${notAllowed.port}\n`);
    expect(notAllowed.connections()).toBe(0);
    expect(attack.log).toContain(`network: deny GET http://127.0.0.1:${notAllowed.port}: 127.0.0.1 is a loopback address`);
    expect(attack.log).toMatch(/network: 1 connection\(s\) allowed, 1 denied/);
  });

  it('every ordinary repo after an attack got its change', async () => {
    await expectOrdinaryReposChanged(offline);
    await expectOrdinaryReposChanged(online);
  });
});
