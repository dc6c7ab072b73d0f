import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localProvider, openSandbox } from '../../support/sandbox.js';
import { countingServer } from '../../support/servers.js';

// NO_PROXY covers loopback inside the sandbox (a test suite's own servers), so reaching an explicitly allowed
// host loopback server through the proxy needs --noproxy '' here.
const VIA_PROXY = "curl -sS --max-time 10 --noproxy ''";

// curl shows that ordinary tools pick the proxy up from the environment. .ci/run installs it; without it these
// tests skip (the attack suite's network checks use plain bash and always run).
const hasCurl = existsSync('/usr/bin/curl');

describe.skipIf(!hasCurl)('network opt-in through the egress proxy (real bubblewrap, socat, curl, local servers; skipped without curl, which .ci/run installs)', () => {
  it('reaches only the allow-listed server, by plain HTTP and by CONNECT, and logs every decision', async () => {
    const allowed = await countingServer();
    const other = await countingServer();
    const { sandbox, log } = await openSandbox(localProvider(), { network: [`127.0.0.1:${allowed.port}`] });

    const plain = await sandbox.exec(`${VIA_PROXY} ${allowed.url}`);
    const tunnel = await sandbox.exec(`${VIA_PROXY} --proxytunnel ${allowed.url}`);
    const denied = await sandbox.exec(`${VIA_PROXY} -w '%{http_code}' -o /dev/null ${other.url} || true`);
    const tunnelDenied = await sandbox.exec(`${VIA_PROXY} --proxytunnel ${other.url} 2>&1 || true`);
    const direct = await sandbox.exec(`curl -sS --max-time 5 --noproxy '*' ${allowed.url} 2>&1 || true`);

    expect(plain).toMatchObject({ exitCode: 0, stdout: 'hello from the host\n' });
    expect(tunnel).toMatchObject({ exitCode: 0, stdout: 'hello from the host\n' });
    expect(denied.stdout).toBe('403');
    expect(tunnelDenied.stdout).toMatch(/CONNECT tunnel failed, response 403|Received HTTP code 403/);
    expect(direct.stdout).toMatch(/Couldn't connect|Connection refused|Failed to connect/);
    expect(other.connections()).toBe(0);
    expect(allowed.connections()).toBe(2);
    expect(log).toContainEqual(`network: allow GET http://127.0.0.1:${allowed.port} → 127.0.0.1 (127.0.0.1:${allowed.port})`);
    expect(log).toContainEqual(`network: allow CONNECT 127.0.0.1:${allowed.port} → 127.0.0.1 (127.0.0.1:${allowed.port})`);
    expect(log).toContainEqual(`network: deny CONNECT 127.0.0.1:${other.port}: 127.0.0.1 is a loopback address; only an entry naming it (e.g. "127.0.0.1:${other.port}") allows it`);
  });

  it('keeps loopback closed unless an address entry names it: a host name or network: true is not enough', async () => {
    const server = await countingServer();
    const byName = await openSandbox(localProvider(), { network: [`localhost:${server.port}`] });
    const anyPublic = await openSandbox(localProvider(), { network: true });

    const viaName = await byName.sandbox.exec(`${VIA_PROXY} -w '%{http_code}' -o /dev/null http://localhost:${server.port}/ || true`);
    const viaTrue = await anyPublic.sandbox.exec(`${VIA_PROXY} -w '%{http_code}' -o /dev/null ${server.url} || true`);

    expect(viaName.stdout).toBe('403');
    expect(viaTrue.stdout).toBe('403');
    expect(server.connections()).toBe(0);
    expect(byName.log.join('\n')).toContain(`deny GET http://localhost:${server.port}: localhost resolves only to special addresses: 127.0.0.1 (loopback)`);
  });

  // /etc/hosts names the sandbox's own hostname as loopback, and tools print or use 0.0.0.0 for a server that listens
  // everywhere: both are the sandbox itself, which the proxy (resolving names on the host) would refuse or misdirect.
  it('reaches a server the step started inside by the sandbox’s hostname and by 0.0.0.0, not through the proxy', async () => {
    const { sandbox, log } = await openSandbox(localProvider(), { network: ['example.invalid'] });

    const result = await sandbox.exec(
      [
        "node -e \"require('http').createServer((q, s) => s.end('served inside\\n')).listen(8000)\" &",
        'for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && break; sleep 0.05; done',
        'curl -sS --max-time 10 "http://$(hostname):8000/"',
        'curl -sS --max-time 10 http://0.0.0.0:8000/',
      ].join('\n'),
    );

    expect(result).toMatchObject({ exitCode: 0, stdout: 'served inside\nserved inside\n' });
    expect(log.filter((line) => line.startsWith('network: deny'))).toEqual([]);
  });

  it('without network: no proxy variables, no relay, and the host is unreachable', async () => {
    const server = await countingServer();
    const { sandbox } = await openSandbox(localProvider());

    const result = await sandbox.exec(`env | grep -i _proxy || echo no-proxy; curl -sS --max-time 5 ${server.url} 2>&1 || true`);

    expect(result.stdout).toMatch(/^no-proxy\ncurl: \(7\)/);
    expect(server.connections()).toBe(0);
  });
});

describe('the egress proxy socket folder (real bubblewrap and socat)', () => {
  // The folder is on the host's disk, outside the checkout: nothing written there counts against sandbox.disk or
  // /tmp's size, and it is not the sandbox's to change.
  it.each(['auto', 'userns'] as const)('takes no file from the sandbox, which still reaches the proxy (%s identity)', async (identity) => {
    const { sandbox } = await openSandbox(localProvider({ identity }), { network: ['example.invalid'] });

    const result = await sandbox.exec(
      [
        'dd if=/dev/zero of=/fleetmod/net/fill bs=1M count=8 2>&1 | head -1 || true',
        'rm -f /fleetmod/net/proxy.sock 2>&1 || true',
        'exec 3<>/dev/tcp/127.0.0.1/3128 && printf "CONNECT example.invalid:443 HTTP/1.1\\r\\n\\r\\n" >&3 && head -1 <&3',
      ].join('\n'),
    );

    expect(result.stdout).toMatch(/^dd: failed to open '\/fleetmod\/net\/fill': (Read-only file system|Permission denied)\n/);
    expect(result.stdout).toMatch(/rm: cannot remove '\/fleetmod\/net\/proxy.sock': (Read-only file system|Permission denied)\n/);
    expect(result.stdout).toMatch(/HTTP\/1.1 403 Forbidden/);
  });
});
