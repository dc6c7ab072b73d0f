/**
 * Reusable field schemas of the manifest language: durations, sizes, rates, times of day, environment maps and
 * network hosts. Each rejects the usual slips with a message that says what to write instead.
 */
import { z } from 'zod';
import { InvalidNetworkEntry, parseEntry } from '../sandbox/shared/network/allow-list.js';
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration, parseSize } from '../util/units.js';
import { carriesCredentials, quotedUrl } from './repo-string.js';
import { closest } from './suggest.js';
import { describeValue, durationProblem, rateProblem, sizeProblem } from './unit-hints.js';

export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';
export const SIZE_PATTERN = '^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$';
export const NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const RATE_PATTERN = '^\\d+\\s*/\\s*(s|sec|second|m|min|minute|h|hour)$';
export const TIME_OF_DAY_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d$';
export const WINDOW_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d$';
/** "07:00" or an ISO 8601 date-time such as "2030-05-01T07:00:00+02:00". */
export const DEADLINE_PATTERN =
  '^(([01]\\d|2[0-3]):[0-5]\\d|\\d{4}-\\d{2}-\\d{2}[T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)$';
/** Globs on owner/name: letters, digits, . _ - / and the wildcards * and ?. */
export const GLOB_PATTERN = '^[A-Za-z0-9_.*?/-]+$';
export const TOPIC_PATTERN = '^[a-z0-9][a-z0-9-]{0,49}$';

export function duration(what: string) {
  return z
    .string({ error: (issue) => durationProblem(issue.input) })
    .regex(new RegExp(DURATION_PATTERN), { error: (issue) => durationProblem(issue.input) })
    .refine((text) => parseDuration(text) !== 0, { message: 'must be longer than 0' })
    .refine((text) => (parseDuration(text) ?? 0) <= MAX_DURATION_MS, {
      message: `must be at most ${MAX_DURATION_TEXT} (the longest time a timer can wait)`,
    })
    .describe(`${what}, e.g. "90s", "5m", "1h30m" (units ms, s, m, h, d; at most ${MAX_DURATION_TEXT}).`);
}

export function size(what: string) {
  return z
    .string({ error: (issue) => sizeProblem(issue.input) })
    .regex(new RegExp(SIZE_PATTERN), { error: (issue) => sizeProblem(issue.input) })
    .refine((text) => parseSize(text) !== 0, { message: 'must be larger than 0' })
    .describe(`${what}, e.g. "512MiB", "2GiB" (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB).`);
}

export function rate() {
  return z
    .string({ error: (issue) => rateProblem(issue.input) })
    .regex(new RegExp(RATE_PATTERN), { error: (issue) => rateProblem(issue.input) })
    .refine((text) => !/^0+\s*\//.test(text), { message: 'a rate must allow at least 1 per time unit' });
}

export function timeOfDay(what: string) {
  return z
    .string({ error: (issue) => `expected a 24-hour time "HH:MM" such as "22:00", got ${describeValue(issue.input)}${quoteHint(issue.input)}` })
    .regex(new RegExp(TIME_OF_DAY_PATTERN), {
      error: (issue) => `expected a 24-hour time "HH:MM" such as "06:00" or "22:30", got "${String(issue.input)}"`,
    })
    .describe(`${what}, a 24-hour time "HH:MM".`);
}

export function jobName() {
  return z
    .string({
      // A number or boolean gets the general message, which can quote the text as written (`007`, not 7).
      error: (issue) =>
        typeof issue.input === 'number' || typeof issue.input === 'boolean'
          ? undefined
          : `expected text such as "rename-fetch", got ${describeValue(issue.input)}`,
    })
    .regex(new RegExp(NAME_PATTERN), {
      error: (issue) =>
        `"${String(issue.input)}" may only use lower-case letters, digits, ".", "_" and "-"${nameHint(String(issue.input))}`,
    });
}

/** A time written without quotes can reach the schema as a number (YAML 1.1 base-60); quoting is always safe. */
function quoteHint(input: unknown): string {
  return typeof input === 'number' ? '; quote the time: "22:00"' : '';
}

function nameHint(input: string): string {
  const fixed = input
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return fixed && fixed !== input ? `, e.g. "${fixed}"` : '';
}

/**
 * `github.api-url` / `github.server-url`: an http(s) URL without user name or password. Both end up in clone URLs,
 * the journal, the report and the logs, so a token written into them would leak everywhere; the token belongs in
 * GITHUB_TOKEN. Other schemes (ftp:, mailto:, javascript:) pass a generic URL check but can never be a GitHub host.
 */
export function GithubUrl() {
  return z.url({ error: (i) => `${quotedUrl(String(i.input))} is not a URL; write it with https://` }).superRefine((text, ctx) => {
    // zod runs this refinement even after the URL check failed; that failure is already reported.
    if (!URL.canParse(text)) return;
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `${quotedUrl(text)}: scheme ${url.protocol.slice(0, -1)} is not supported (use https or http)` });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: carriesCredentials(text) });
    }
  });
}

/** An IANA time zone the runtime knows, with a suggestion when it is misspelled. */
export const TimeZone = z.string().superRefine((zone, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    const suggestion = closest(zone, Intl.supportedValuesOf('timeZone'));
    ctx.addIssue({
      code: 'custom',
      message: `unknown time zone "${zone}"${suggestion ? `; did you mean "${suggestion}"?` : ' (use an IANA name such as "Europe/Berlin" or "UTC")'}`,
    });
  }
});

export const EnvMap = z
  .record(
    z.string().regex(new RegExp(ENV_NAME_PATTERN), {
      error: (issue) =>
        `"${String(issue.input)}" is not an environment variable name: use letters, digits and _ (e.g. "${String(issue.input).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')}")`,
    }),
    z.union([z.string(), z.number(), z.boolean()], {
      error: (issue) => `environment values are text, numbers or booleans, got ${describeValue(issue.input)}`,
    }).transform(String),
  )
  .describe('Environment variables with literal values (use `sandbox.secrets` for anything sensitive).');

/**
 * A `sandbox.network` entry: host name, `*.domain`, address or range, optionally with `:port` — exactly what the
 * egress proxy accepts (its parser decides, so validate and run cannot disagree). A URL gets the host to write.
 */
export const NetworkHost = z.string().superRefine((host, ctx) => {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(host);
  if (url) {
    ctx.addIssue({ code: 'custom', message: `write the host name only, without scheme or path: "${url[1]}"` });
    return;
  }
  try {
    parseEntry(host);
  } catch (err) {
    if (!(err instanceof InvalidNetworkEntry)) throw err;
    const why = err.message.replace(/^sandbox\.network entry "[^"]*": /, '');
    const path = /^([^/:\s]+)\/[^\d]/.exec(host);
    ctx.addIssue({ code: 'custom', message: `"${host}": ${why}${path ? `; write the host name only: "${path[1]}"` : ''}` });
  }
});
