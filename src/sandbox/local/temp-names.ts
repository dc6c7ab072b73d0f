/**
 * The local provider's temporary folders, each named `<prefix><pid>-XXXXXX` (util/owned-temp.ts) so that a later
 * fleetmod removes what a killed one left behind (capabilities.ts, on detection).
 */
/** One per sandbox that needs one: its step files, the proxy socket. */
export const SANDBOX_SCRATCH_PREFIX = 'fleetmod-sbx-';
/** One per provider: the /etc copy its sandboxes share (sandbox-etc.ts). */
export const ETC_COPY_PREFIX = 'fleetmod-etc-';
/** One per provider: each sandbox uid's passwd and group (identities.ts). */
export const IDENTITIES_PREFIX = 'fleetmod-ids-';
/** The self-test sandbox made while detecting what this machine can do. */
export const PROBE_PREFIX = 'fleetmod-probe-';

export const LOCAL_TEMP_PREFIXES = [SANDBOX_SCRATCH_PREFIX, ETC_COPY_PREFIX, IDENTITIES_PREFIX, PROBE_PREFIX] as const;
