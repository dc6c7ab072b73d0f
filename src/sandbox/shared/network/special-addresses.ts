/**
 * Addresses a sandbox must not reach unless the job names them explicitly: the host itself (loopback), the LAN
 * (private ranges), cloud metadata services (link-local 169.254.169.254, fd00:ec2::254, 100.100.100.200) and the
 * special-purpose ranges of RFC 6890. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by
 * the IPv4 address inside.
 */
import { BlockList, isIP } from 'node:net';

const IPV4_RANGES: [string, number, string][] = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared/carrier-grade NAT (cloud metadata on some providers)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'IETF protocol assignments'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function build(): { list: BlockList; labels: { list: BlockList; label: string }[] } {
  const list = new BlockList();
  const labels: { list: BlockList; label: string }[] = [];
  for (const [net, prefix, label] of IPV4_RANGES) {
    list.addSubnet(net, prefix, 'ipv4');
    const one = new BlockList();
    one.addSubnet(net, prefix, 'ipv4');
    labels.push({ list: one, label });
  }
  for (const [net, prefix, label] of IPV6_RANGES) {
    list.addSubnet(net, prefix, 'ipv6');
    const one = new BlockList();
    one.addSubnet(net, prefix, 'ipv6');
    labels.push({ list: one, label });
  }
  return { list, labels };
}

export class SpecialAddresses {
  private readonly table = build();

  /** Why the address is special (e.g. "loopback"), or null for an ordinary public address. */
  classify(address: string): string | null {
    const embedded = embeddedIpv4(address);
    if (embedded) return this.classify(embedded);
    const family = isIP(address);
    if (family === 0) return 'not an IP address';
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (!this.table.list.check(address, type)) return null;
    return this.table.labels.find((l) => l.list.check(address, type))?.label ?? 'special-purpose';
  }
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
export function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const words = expandIpv6(address.toLowerCase());
  if (!words) return null;
  const toV4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return toV4(words[6] as number, words[7] as number);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) return toV4(words[6] as number, words[7] as number);
  if (words[0] === 0x2002) return toV4(words[1] as number, words[2] as number);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = (v4[1] as string).split('.').map(Number);
    text = `${text.slice(0, -(v4[1] as string).length)}${(((parts[0] as number) << 8) | (parts[1] as number)).toString(16)}:${(((parts[2] as number) << 8) | (parts[3] as number)).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const missing = 8 - headWords.length - tailWords.length;
  if (tail === undefined && headWords.length !== 8) return null;
  const words = [...headWords, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailWords].map((w) => Number.parseInt(w || '0', 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}
