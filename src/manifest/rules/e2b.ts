/**
 * What provider: e2b cannot do as the manifest asks. An error each, since the run would otherwise get less than it
 * says (a limit nobody enforces) or fail at every create (a lifetime past the plan's, which E2B refuses with a 400).
 */
import { sandboxLifetimeMs } from '../../sandbox/e2b/layout.js';
import { splitPort } from '../../sandbox/shared/network/allow-list.js';
import { formatDuration, parseDuration } from '../../util/units.js';
import type { RuleInput } from './report.js';

/** E2B's longest continuous sandbox runtime on the Hobby plan, the plan fleetmod's E2B defaults assume (1 creation/s). */
const DEFAULT_MAX_LIFETIME_MS = 60 * 60_000;

/** Limits the local sandbox enforces with cgroups and mounts; an E2B sandbox's size is fixed by its template. */
const LOCAL_ONLY_LIMITS = ['memory', 'cpus', 'pids', 'disk', 'tmp'] as const;

export function checkE2b({ job, manifest: m, report }: RuleInput): void {
  const s = m.sandbox;
  if (s?.provider !== 'e2b') return;

  for (const key of LOCAL_ONLY_LIMITS) {
    if (s[key] === undefined) continue;
    report.error(
      ['sandbox', key],
      `provider: e2b cannot enforce ${key}: an E2B sandbox gets what its template was built with (sandbox.e2b vcpu and memory-mb only price it); remove ${key}, or use provider: local`,
    );
  }

  if (Array.isArray(s.network)) {
    s.network.forEach((entry, i) => {
      const { host, port, bracketed } = splitPort(entry.trim());
      if (port !== undefined) {
        report.error(
          ['sandbox', 'network', i],
          `provider: e2b allows hosts, not ports: E2B's allow-list takes host names, addresses and ranges, each reachable on every port; write "${bracketed ? `[${host}]` : host}"`,
        );
      } else if (bracketed) {
        report.error(['sandbox', 'network', i], `provider: e2b takes an IPv6 address without brackets: write "${host}"`);
      }
    });
  }

  const timeoutMs = job.sandbox.timeoutMs;
  const maxMs = (s.e2b?.['max-lifetime'] && parseDuration(s.e2b['max-lifetime'])) || DEFAULT_MAX_LIFETIME_MS;
  const lifetimeMs = sandboxLifetimeMs(timeoutMs);
  if (lifetimeMs > maxMs) {
    const limit = s.e2b?.['max-lifetime'] ? `sandbox.e2b.max-lifetime ${s.e2b['max-lifetime']}` : "1h, E2B's limit on the Hobby plan";
    report.error(
      s.timeout ? ['sandbox', 'timeout'] : ['sandbox', 'provider'],
      `each E2B sandbox would need to live ${formatDuration(lifetimeMs)} (${s.timeout ? `sandbox.timeout ${s.timeout}` : `the default sandbox.timeout ${formatDuration(timeoutMs)}`}, plus ${formatDuration(lifetimeMs - timeoutMs)} to unpack, diff and stop), longer than ${limit}; shorten the timeout, or on a plan that allows longer set sandbox.e2b.max-lifetime (Pro: 24h)`,
    );
  }
}
