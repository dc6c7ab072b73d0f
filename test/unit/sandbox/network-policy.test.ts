import { describe, expect, it } from 'vitest';
import { InvalidNetworkEntry, parseAllowList, parseEntry } from '../../../src/sandbox/shared/network/allow-list.js';
import { decide, type Resolver } from '../../../src/sandbox/shared/network/decide.js';
import { parseAuthority } from '../../../src/sandbox/shared/network/egress-proxy.js';
import { SpecialAddresses, embeddedIpv4 } from '../../../src/sandbox/shared/network/special-addresses.js';

/** A resolver with fixed answers: the decision logic is what is tested here, not the system's DNS. */
const dns = (answers: Record<string, string[]>): Resolver => async (host) => {
  const list = answers[host];
  if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('sandbox.network entries', () => {
  it('parses names, wildcards, addresses, ranges and ports', () => {
    expect(parseEntry('Registry.NPMjs.org')).toMatchObject({ kind: 'host', host: 'registry.npmjs.org', ports: 'web' });
    expect(parseEntry('*.github.com:*')).toMatchObject({ kind: 'suffix', suffix: 'github.com', ports: 'any' });
    expect(parseEntry('127.0.0.1:8080')).toMatchObject({ kind: 'address', ports: 8080 });
    expect(parseEntry('[::1]:8080')).toMatchObject({ kind: 'address', ports: 8080 });
    expect(parseEntry('10.0.0.0/8')).toMatchObject({ kind: 'address', ports: 'web' });
    expect(parseEntry('fd00::/8')).toMatchObject({ kind: 'address' });
  });

  it('rejects what is not an entry, with the entry named', () => {
    for (const bad of ['http://example.com', 'example.com:0', 'example.com:99999', '*.com', 'a b', '10.0.0.0/33', 'host/8', 'ex*ample.com']) {
      expect(() => parseEntry(bad), bad).toThrow(InvalidNetworkEntry);
    }
    expect(() => parseAllowList(['ok.example.com', 'bad entry'])).toThrow('sandbox.network entry "bad entry"');
  });
});

describe('special addresses', () => {
  const special = new SpecialAddresses();

  it('flags loopback, private, link-local (metadata) and other special ranges, IPv4 and IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'ff02::1']) {
      expect(special.classify(address), address).not.toBeNull();
    }
    expect(special.classify('169.254.169.254')).toContain('metadata');
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::6810:84e5', '1.1.1.1']) expect(special.classify(address), address).toBeNull();
  });

  it('judges IPv6 forms that carry an IPv4 address by that address', () => {
    expect(embeddedIpv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:0a00:0001::1')).toBe('10.0.0.1');
    expect(special.classify('::ffff:10.0.0.1')).toBe('private');
    expect(special.classify('64:ff9b::808:808')).toBeNull();
  });
});

describe('egress decisions', () => {
  const resolver = dns({
    'registry.npmjs.org': ['104.16.1.34'],
    'api.github.com': ['140.82.112.6'],
    'localhost': ['127.0.0.1'],
    'rebind.example.com': ['10.0.0.5', '93.184.216.34'],
    'internal.example.com': ['10.20.0.7'],
    'metadata.google.internal': ['169.254.169.254'],
    'dual.example.com': ['2606:4700::6810:84e5', '10.0.0.5', '104.16.1.35'],
  });

  it("hands on every allowed address of a name in the resolver's order, leaving out the special ones", async () => {
    expect(await decide(parseAllowList(['dual.example.com']), 'dual.example.com', 443, resolver)).toMatchObject({
      allow: true,
      address: '2606:4700::6810:84e5',
      addresses: [
        { address: '2606:4700::6810:84e5', family: 6 },
        { address: '104.16.1.35', family: 4 },
      ],
    });
  });

  it('allows a listed name on web ports and connects to the checked address', async () => {
    const list = parseAllowList(['registry.npmjs.org']);

    expect(await decide(list, 'registry.npmjs.org', 443, resolver)).toEqual({
      allow: true,
      address: '104.16.1.34',
      family: 4,
      addresses: [{ address: '104.16.1.34', family: 4 }],
      rule: 'registry.npmjs.org',
    });
    expect(await decide(list, 'registry.npmjs.org', 22, resolver)).toMatchObject({ allow: false });
    expect(await decide(list, 'evil.example.com', 443, resolver)).toEqual({ allow: false, reason: 'evil.example.com:443 is not in sandbox.network' });
  });

  it('wildcards match names below the domain only', async () => {
    const list = parseAllowList(['*.github.com']);

    expect(await decide(list, 'api.github.com', 443, resolver)).toMatchObject({ allow: true });
    expect(await decide(list, 'github.com', 443, resolver)).toMatchObject({ allow: false });
  });

  it('refuses loopback, private and metadata addresses unless an entry names them', async () => {
    const byName = parseAllowList(['localhost:8080', 'internal.example.com', 'metadata.google.internal']);

    expect(await decide(byName, 'localhost', 8080, resolver)).toMatchObject({ allow: false, reason: expect.stringContaining('127.0.0.1 (loopback)') });
    expect(await decide(byName, 'internal.example.com', 443, resolver)).toMatchObject({ allow: false });
    expect(await decide(byName, 'metadata.google.internal', 80, resolver)).toMatchObject({ allow: false });
    expect(await decide(parseAllowList(true), '127.0.0.1', 80, resolver)).toMatchObject({ allow: false, reason: expect.stringContaining('"127.0.0.1:80"') });
    expect(await decide(parseAllowList(true), '169.254.169.254', 80, resolver)).toMatchObject({ allow: false });

    const explicit = parseAllowList(['127.0.0.1:8080', 'internal.example.com', '10.20.0.0/16:443']);
    expect(await decide(explicit, '127.0.0.1', 8080, resolver)).toMatchObject({ allow: true, address: '127.0.0.1' });
    expect(await decide(explicit, '127.0.0.1', 8081, resolver)).toMatchObject({ allow: false });
    expect(await decide(explicit, 'internal.example.com', 443, resolver)).toMatchObject({ allow: true, address: '10.20.0.7' });
  });

  it('skips special answers of a name and uses a public one (no DNS rebinding into the LAN)', async () => {
    expect(await decide(parseAllowList(['rebind.example.com']), 'rebind.example.com', 443, resolver)).toMatchObject({ allow: true, address: '93.184.216.34' });
  });

  it('network: true allows any public host and port; false allows nothing', async () => {
    expect(await decide(parseAllowList(true), 'registry.npmjs.org', 8443, resolver)).toMatchObject({ allow: true, rule: 'network: true' });
    expect(await decide(parseAllowList(false), 'registry.npmjs.org', 443, resolver)).toMatchObject({ allow: false });
    expect(await decide(parseAllowList(true), 'nowhere.invalid', 443, resolver)).toMatchObject({ allow: false, reason: 'cannot resolve nowhere.invalid: ENOTFOUND' });
  });

  it('reads CONNECT targets', () => {
    expect(parseAuthority('example.com:443')).toEqual({ host: 'example.com', port: 443 });
    expect(parseAuthority('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseAuthority('example.com')).toBeNull();
    expect(parseAuthority('example.com:70000')).toBeNull();
  });
});
