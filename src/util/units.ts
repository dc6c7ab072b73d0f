/** Parsing of the human units the manifest uses: durations ("90s", "1h30m") and sizes ("512MiB", "2GiB"). */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const DURATION_PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * The longest duration fleetmod accepts. Timeouts are Node timers, which hold at most 2^31-1 ms (about 24.8 days);
 * a longer one fires after 1 ms with only a TimeoutOverflowWarning, so "30d" would stop every repository at once.
 */
export const MAX_DURATION_MS = 24 * 86_400_000;
export const MAX_DURATION_TEXT = '24d';

/** Parses "30s", "5m", "1h30m", "250ms" into milliseconds; returns null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(DURATION_PART_RE)) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
  }
  return Math.round(total);
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

/** Parses "512MiB", "2GiB", "100MB" into bytes; returns null when the text is not a size. */
export function parseSize(text: string): number | null {
  const match = SIZE_RE.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * (SIZE_UNITS[match[2] as string] as number));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h${m - h * 60}m`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}
