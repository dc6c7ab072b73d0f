/**
 * Removes secret values from text before it is logged, stored or printed. One Redactor is built per run from the
 * secret values the run knows (push token, manifest secrets); it is passed to everything that writes output.
 */
export interface Redactor {
  redact(text: string): string;
  /** Adds a value to censor from now on (e.g. a refreshed installation token). */
  add(secret: string): void;
  /**
   * A redactor for one stream of chunks (a command's output as it arrives): a secret split across chunks is still
   * censored, because the end of a chunk that is the start of a secret is held back until the next chunk says
   * whether the rest follows. Redact a stream before cutting, slicing or splitting it — a piece of a secret no longer
   * matches the secret.
   */
  stream(): RedactingStream;
}

export interface RedactingStream {
  /** Returns the text that is safe to hand on now (possibly less than was pushed). */
  push(chunk: string): string;
  /** Returns what was held back. */
  end(): string;
}

const MASK = '***';
/** Values shorter than this are not censored: masking "a" or "1" would shred every log line. */
const MIN_SECRET_LENGTH = 4;
/**
 * A line of a multi-line secret is censored on its own only when it is this long and not PEM armour: a key's body
 * lines are, while `-----BEGIN RSA PRIVATE KEY-----` or a kubeconfig's `apiVersion: v1` are text anyone may write
 * (in a test fixture, a manifest) and would make a change that contains them look like a leak.
 */
const MIN_SECRET_LINE_LENGTH = 16;

export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const values = new Set<string>();
  let longest = 0;

  const addValue = (value: string) => {
    if (value.length < MIN_SECRET_LENGTH || values.has(value)) return;
    values.add(value);
    longest = Math.max(longest, value.length);
  };
  const add = (secret: string) => {
    if (secret.length < MIN_SECRET_LENGTH) return;
    addValue(secret);
    // A secret read from a file often ends in a newline that output trims away; a multi-line secret (a key) is
    // printed, wrapped and cut line by line: each line that is secret material is censored on its own too.
    addValue(secret.trim());
    const lines = secret.split(/\r?\n/).map((line) => line.trim());
    if (lines.length > 1) for (const line of lines) if (line.length >= MIN_SECRET_LINE_LENGTH && !line.startsWith('-----')) addValue(line);
    // A token also travels base64-encoded inside Basic auth headers; censor that form too.
    addValue(Buffer.from(`x-access-token:${secret}`).toString('base64'));
  };
  for (const s of secrets) add(s);

  const redact = (text: string): string => (values.size === 0 ? text : mask(text, secretRanges(text, values)));

  return {
    add,
    redact,
    stream() {
      let held = '';
      return {
        push(chunk) {
          if (values.size === 0) return chunk;
          const text = held + chunk;
          const ranges = secretRanges(text, values);
          // Everything before the first place a secret could still begin (its start at the end of `text`, the rest
          // yet to come) is decided now — except a secret found across that place: it may be the start of a longer
          // one that overlaps it, so it waits too. (Found ranges are merged, so moving back never lands in another.)
          let safe = openSecretStart(text, values, longest);
          for (const [start, end] of ranges) {
            if (start >= safe || end <= safe) continue;
            // Held back at most twice the longest secret: back-to-back occurrences must not hold a stream forever.
            safe = text.length - start <= 2 * longest ? start : end;
          }
          held = text.slice(safe);
          return mask(text.slice(0, safe), ranges.filter(([start]) => start < safe));
        },
        end() {
          const rest = held;
          held = '';
          return redact(rest);
        },
      };
    },
  };
}

/** Where the earliest suffix of `text` that is the start of a secret (not all of it) begins; text.length if none. */
function openSecretStart(text: string, values: ReadonlySet<string>, longest: number): number {
  for (let at = Math.max(0, text.length - (longest - 1)); at < text.length; at++) {
    const first = text.charCodeAt(at);
    let tail: string | undefined;
    for (const value of values) {
      if (value.charCodeAt(0) !== first || value.length <= text.length - at) continue;
      tail ??= text.slice(at);
      if (value.startsWith(tail)) return at;
    }
  }
  return text.length;
}

/**
 * Every place any secret occurs, overlapping ones merged: two secrets that overlap (or a short one inside a longer
 * one) leave no piece of either uncensored, which one regular expression's leftmost match could.
 */
function secretRanges(text: string, values: ReadonlySet<string>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const value of values) {
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) ranges.push([at, at + value.length]);
  }
  if (ranges.length < 2) return ranges;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [ranges[0] as [number, number]];
  for (const [start, end] of ranges.slice(1)) {
    const last = merged[merged.length - 1] as [number, number];
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function mask(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  if (ranges.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    out += text.slice(from, start) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
