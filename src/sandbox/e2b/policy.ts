/**
 * The job's sandbox settings as E2B create options: the network policy (none, all, or an allow-list of hosts
 * with everything else denied) and the sandbox lifetime (the job's time budget plus a margin, so fleetmod's own
 * deadline fires first and a sandbox leaked by a crash still dies on its own).
 */
import { ALL_TRAFFIC, type SandboxOpts } from 'e2b';
import type { NetworkPolicy } from '../../manifest/job.js';
import { HOUSEKEEPING_TIMEOUT_MS, LIFETIME_MARGIN_MS } from './layout.js';

export function networkOptions(network: NetworkPolicy): Pick<SandboxOpts, 'allowInternetAccess' | 'network'> {
  if (network === false) return { allowInternetAccess: false };
  if (network === true) return { allowInternetAccess: true };
  // allowOut (domains, IPs, CIDRs) always wins over denyOut, so this admits exactly the listed hosts.
  return { network: { allowOut: [...network], denyOut: [ALL_TRAFFIC] } };
}

/** How long E2B keeps a sandbox alive: the job's budget, unpacking and diffing, and a margin. */
export function sandboxLifetimeMs(budgetMs: number): number {
  return budgetMs + 2 * HOUSEKEEPING_TIMEOUT_MS + LIFETIME_MARGIN_MS;
}
