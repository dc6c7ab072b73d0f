/**
 * Removes secret values from text before it is logged, stored or printed. One Redactor is built per run from the
 * secret values the run knows (push token, manifest secrets); it is passed to everything that writes output.
 */
export interface Redactor {
  redact(text: string): string;
  /** Adds a value to censor from now on (e.g. a refreshed installation token). */
  add(secret: string): void;
}

const MASK = '***';
/** Values shorter than this are not censored: masking "a" or "1" would shred every log line. */
const MIN_SECRET_LENGTH = 4;

export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const values = new Set<string>();
  let pattern: RegExp | null = null;

  const rebuild = () => {
    const sorted = [...values].sort((a, b) => b.length - a.length);
    pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  };
  const add = (secret: string) => {
    if (secret.length < MIN_SECRET_LENGTH || values.has(secret)) return;
    values.add(secret);
    // A token also travels base64-encoded inside Basic auth headers; censor that form too.
    values.add(Buffer.from(`x-access-token:${secret}`).toString('base64'));
    rebuild();
  };
  for (const s of secrets) add(s);

  return {
    add,
    redact(text: string): string {
      return pattern ? text.replace(pattern, MASK) : text;
    },
  };
}

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
