import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/util/redact.js';

const TOKEN = 'ghp_Q7xKmR9vLnW8pZtYbHcJdFgS';

/** Feeds `text` to a stream redactor in pieces of `size` characters. */
function streamed(secrets: string[], text: string, size: number): string {
  const stream = createRedactor(secrets).stream();
  let out = '';
  for (let at = 0; at < text.length; at += size) out += stream.push(text.slice(at, at + size));
  return out + stream.end();
}

describe('the redactor', () => {
  it('censors a secret split across the chunks of a stream, at every split point', () => {
    const text = `before ${TOKEN} middle ${TOKEN}${TOKEN} after`;
    for (let size = 1; size <= text.length; size++) {
      expect(streamed([TOKEN], text, size), `chunks of ${size}`).toBe('before *** middle *** after');
    }
  });

  it('hands on text that cannot be part of a secret at once, and holds back only what could be', () => {
    const stream = createRedactor([TOKEN]).stream();
    const first = stream.push(`${'x'.repeat(200)}ghp_Q7`);
    // Held back: at most the longest censored value (the token's base64 Basic-auth form) less one character.
    expect(first).toMatch(/^x{100,}$/);
    expect(first + stream.push(`${TOKEN.slice(6)} done`) + stream.end()).toBe(`${'x'.repeat(200)}*** done`);
  });

  it('censors a secret read from a file without its trailing newline, and each line of a multi-line one', () => {
    const key = '-----BEGIN KEY-----\nMIIEabcdefSECRETLINEONE0123456789\nZZZsecretlinetwo9876543210qwerty\n-----END KEY-----\n';
    const redactor = createRedactor([`${TOKEN}\n`, key]);

    expect(redactor.redact(`token ${TOKEN}.`)).toBe('token ***.');
    expect(redactor.redact('a | ZZZsecretlinetwo9876543210qwerty | b')).toBe('a | *** | b');
  });

  it('leaves no piece of two overlapping secrets', () => {
    const redactor = createRedactor(['abcdWXYZ', 'WXYZefghij']);
    expect(redactor.redact('>abcdWXYZefghij<')).toBe('>***<');
    expect(streamed(['abcdWXYZ', 'WXYZefghij'], '>abcdWXYZefghij<', 3)).toBe('>***<');
  });

  it('passes text through untouched when there are no secrets', () => {
    const stream = createRedactor([]).stream();
    expect(stream.push('ab')).toBe('ab');
    expect(stream.end()).toBe('');
  });
});
