/**
 * Whether the egress proxy lets one connection through, and to which address. The name is resolved here, once,
 * and the proxy connects to exactly the address that was checked: a DNS answer that changes between check and
 * connect (rebinding) cannot redirect the connection to the host or the LAN.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { matchAddress, matchName, type NetworkAllowList } from './allow-list.js';
import { SpecialAddresses } from './special-addresses.js';

export interface AllowedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * An allowed connection: `address` is the first address to try, `addresses` every allowed one in the resolver's
 * order, so the proxy can go on to the next when one cannot be reached (a broken IPv6 route, one server down), as
 * curl and npm do with a direct connection.
 */
export type Decision =
  | ({ allow: true; addresses: AllowedAddress[]; rule: string } & AllowedAddress)
  | { allow: false; reason: string };

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

const special = new SpecialAddresses();

export async function decide(list: NetworkAllowList, host: string, port: number, resolve: Resolver = systemResolver): Promise<Decision> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allow: false, reason: `invalid port ${port}` };
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;

  if (isIP(bare) !== 0) {
    const only: AllowedAddress = { address: bare, family: isIP(bare) as 4 | 6 };
    const explicit = matchAddress(list, bare, port);
    if (explicit) return { allow: true, ...only, addresses: [only], rule: explicit.text };
    const why = special.classify(bare);
    if (why) return { allow: false, reason: `${bare} is a ${why} address; only an entry naming it (e.g. "${entryFor(bare, port)}") allows it` };
    if (list.anyPublic) return { allow: true, ...only, addresses: [only], rule: 'network: true' };
    return { allow: false, reason: `${bare}:${port} is not in sandbox.network` };
  }

  const byName = matchName(list, bare, port);
  if (!byName) return { allow: false, reason: `${bare}:${port} is not in sandbox.network` };
  let answers: { address: string; family: number }[];
  try {
    answers = await resolve(bare);
  } catch (err) {
    return { allow: false, reason: `cannot resolve ${bare}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const refused: string[] = [];
  const addresses: AllowedAddress[] = [];
  for (const answer of answers) {
    const explicit = matchAddress(list, answer.address, port);
    const why = special.classify(answer.address);
    if (why && !explicit) refused.push(`${answer.address} (${why})`);
    else addresses.push({ address: answer.address, family: answer.family === 6 ? 6 : 4 });
  }
  const [first] = addresses;
  if (first) return { allow: true, ...first, addresses, rule: byName === 'any-public' ? 'network: true' : byName.text };
  if (refused.length === 0) return { allow: false, reason: `${bare} has no addresses` };
  return { allow: false, reason: `${bare} resolves only to special addresses: ${refused.join(', ')}; name the address explicitly to allow it` };
}

function entryFor(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
