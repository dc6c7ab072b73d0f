/**
 * The job's network policy as E2B create options: none, all, or an allow-list of hosts with everything else
 * denied. (The sandbox lifetime is in layout.ts, which does not load the SDK.)
 */
import { ALL_TRAFFIC, type SandboxOpts } from 'e2b';
import type { NetworkPolicy } from '../../manifest/job.js';

export function networkOptions(network: NetworkPolicy): Pick<SandboxOpts, 'allowInternetAccess' | 'network'> {
  if (network === false) return { allowInternetAccess: false };
  if (network === true) return { allowInternetAccess: true };
  // allowOut (domains, IPs, CIDRs) always wins over denyOut, so this admits exactly the listed hosts.
  return { network: { allowOut: [...network], denyOut: [ALL_TRAFFIC] } };
}
