/**
 * The job's `sandbox.network` turned into rules the egress proxy checks.
 *
 * Entry forms (ports default to 80 and 443; `:*` means any port):
 *   `registry.npmjs.org`, `registry.npmjs.org:8443`  one host name
 *   `*.github.com`                                    any name below github.com (not github.com itself)
 *   `203.0.113.7`, `127.0.0.1:8080`, `[::1]:8080`     one address
 *   `10.20.0.0/16`, `10.20.0.0/16:5432`, `fd00::/8`   a range
 * `network: true` allows every host name and every port, but only public addresses.
 *
 * Private, loopback, link-local (cloud metadata) and other special addresses are refused even when a listed name
 * resolves to them; only an entry that names the address or its range explicitly opens one. So a test can allow
 * one server on 127.0.0.1 by listing `127.0.0.1:PORT`, while `localhost:PORT` stays refused.
 */
import { BlockList, isIP } from 'node:net';

export type PortRule = 'web' | 'any' | number;

export type AllowEntry =
  | { kind: 'host'; host: string; ports: PortRule; text: string }
  | { kind: 'suffix'; suffix: string; ports: PortRule; text: string }
  | { kind: 'address'; list: BlockList; ports: PortRule; text: string };

export interface NetworkAllowList {
  /** `network: true`: any public destination. */
  anyPublic: boolean;
  entries: AllowEntry[];
}

export class InvalidNetworkEntry extends Error {
  override readonly name = 'InvalidNetworkEntry';
}

const HOST_RE = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export function parseAllowList(network: boolean | readonly string[]): NetworkAllowList {
  if (network === true) return { anyPublic: true, entries: [] };
  if (network === false) return { anyPublic: false, entries: [] };
  return { anyPublic: false, entries: network.map(parseEntry) };
}

/**
 * An entry's host part (without brackets) and its `:port` as written: `[v6]:443`, `host:443`; a bare IPv6 address
 * (more than one colon, no brackets) has no port.
 */
export function splitPort(text: string): { host: string; port: string | undefined; bracketed: boolean } {
  const bracketed = /^\[([^\]]+)\](\/\d+)?(?::(\*|\d+))?$/.exec(text);
  if (bracketed) return { host: `${bracketed[1]}${bracketed[2] ?? ''}`, port: bracketed[3], bracketed: true };
  if ((text.match(/:/g) ?? []).length === 1) {
    const [host, port] = text.split(':') as [string, string];
    return { host, port, bracketed: false };
  }
  return { host: text, port: undefined, bracketed: false };
}

export function parseEntry(raw: string): AllowEntry {
  const text = raw.trim();
  const fail = (why: string): never => {
    throw new InvalidNetworkEntry(`sandbox.network entry "${raw}": ${why}`);
  };
  const { host: hostPart, port: portPart } = splitPort(text);
  let ports: PortRule = 'web';
  if (portPart !== undefined) {
    if (portPart === '*') ports = 'any';
    else if (/^\d+$/.test(portPart) && Number(portPart) >= 1 && Number(portPart) <= 65535) ports = Number(portPart);
    else fail('the port must be a number from 1 to 65535 or *');
  }

  const cidr = /^(.+)\/(\d+)$/.exec(hostPart);
  const address = cidr ? (cidr[1] as string) : hostPart;
  const family = isIP(address);
  if (family !== 0) {
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const list = new BlockList();
    if (cidr) {
      const prefix = Number(cidr[2]);
      if (prefix > (family === 4 ? 32 : 128)) fail(`/${prefix} is not a valid prefix length`);
      list.addSubnet(address, prefix, type);
    } else {
      list.addAddress(address, type);
    }
    return { kind: 'address', list, ports, text };
  }
  if (cidr) fail('a range needs an IP address before the slash');
  const host = hostPart.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('*.')) {
    const suffix = host.slice(2);
    if (!HOST_RE.test(suffix) || !suffix.includes('.')) fail('a wildcard must look like *.example.com');
    return { kind: 'suffix', suffix, ports, text };
  }
  if (!HOST_RE.test(host)) fail('not a host name, address or range');
  return { kind: 'host', host, ports, text };
}

export function portAllowed(rule: PortRule, port: number): boolean {
  if (rule === 'any') return true;
  if (rule === 'web') return port === 80 || port === 443;
  return rule === port;
}

/** The entry that lets a connection to this host name (not an address) and port through, if any. */
export function matchName(list: NetworkAllowList, host: string, port: number): AllowEntry | 'any-public' | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  for (const entry of list.entries) {
    if (!portAllowed(entry.ports, port)) continue;
    if (entry.kind === 'host' && entry.host === name) return entry;
    if (entry.kind === 'suffix' && name.endsWith(`.${entry.suffix}`)) return entry;
  }
  return list.anyPublic ? 'any-public' : null;
}

/** The address entry that names this address explicitly (which also allows private addresses), if any. */
export function matchAddress(list: NetworkAllowList, address: string, port: number): AllowEntry | null {
  const family = isIP(address);
  if (family === 0) return null;
  for (const entry of list.entries) {
    if (entry.kind === 'address' && portAllowed(entry.ports, port) && entry.list.check(address, family === 4 ? 'ipv4' : 'ipv6')) {
      return entry;
    }
  }
  return null;
}
