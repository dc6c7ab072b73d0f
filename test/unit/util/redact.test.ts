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
    const text = `before ${TOKEN} middle ${TOKEN}, ${TOKEN} after`;
    for (let size = 1; size <= text.length; size++) {
      expect(streamed([TOKEN], text, size), `chunks of ${size}`).toBe('before *** middle ***, *** after');
    }
  });

  it('hands on text that cannot be part of a secret at once, and holds back only what could be', () => {
    const stream = createRedactor([TOKEN]).stream();
    expect(stream.push('a line of progress\n')).toBe('a line of progress\n');
    expect(stream.push(`${'x'.repeat(200)}ghp_Q7`)).toBe('x'.repeat(200));
    expect(stream.push(`${TOKEN.slice(6)} done!`)).toBe('*** done!');
    // Could begin the token ("g") or its base64 form ("eC1h…"): held until the next chunk, or the end.
    expect(stream.push('ghp_not it, then g')).toBe('ghp_not it, then ');
    expect(stream.end()).toBe('g');
  });

  it('censors PEM armour and short lines of a multi-line secret only as part of the whole', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxFakeKeyLine0000\nabc\n-----END RSA PRIVATE KEY-----\n';
    const redactor = createRedactor([key]);

    expect(redactor.redact('const k = `-----BEGIN RSA PRIVATE KEY-----`; abc')).toBe('const k = `-----BEGIN RSA PRIVATE KEY-----`; abc');
    expect(redactor.redact('half: MIIEowIBAAKCAQEAxFakeKeyLine0000')).toBe('half: ***');
    expect(redactor.redact(`all: ${key}`)).toBe('all: ***');
  });

  it('censors the Basic-auth form of a token that is also a line of another secret', () => {
    const line = 'ghp_SharedLineToken0123456789';
    const redactor = createRedactor([`first line of a file\n${line}\n`, line]);
    expect(redactor.redact(Buffer.from(`x-access-token:${line}`).toString('base64'))).toBe('***');
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

  it('holds back at most twice the longest secret, however secrets follow one another', () => {
    const stream = createRedactor(['abab\n']).stream();
    let handed = '';
    for (let i = 0; i < 1_000; i += 1) handed += stream.push('ab');
    const held = stream.end();

    // Back-to-back "abab"s are one censored run that could always go on: it is handed on while streaming anyway.
    expect(handed).toMatch(/^(\*\*\*)+/);
    expect(handed + held).toMatch(/^(\*\*\*)+(ab)?$/);
  });

  it('passes text through untouched when there are no secrets', () => {
    const stream = createRedactor([]).stream();
    expect(stream.push('ab')).toBe('ab');
    expect(stream.end()).toBe('');
  });
});
