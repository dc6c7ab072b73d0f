import { describe, expect, it } from 'vitest';
import { parseConcurrency, parseGrace } from '../../../src/cli/run-options.js';
import { UsageError } from '../../../src/domain/errors.js';

describe('--grace', () => {
  it('refuses a duration a timer cannot wait for (it would fire after 1 ms), like the manifest does; 24d is the most', () => {
    expect(() => parseGrace('25d')).toThrow(UsageError);
    expect(() => parseGrace('25d')).toThrow('--grace must be at most 24d, got "25d"');
    expect(parseGrace('24d')).toBe(24 * 86_400_000);
    expect(parseGrace(undefined)).toBe(300_000);
  });
});

describe('--concurrency (-j)', () => {
  it('takes digits only, from 1 to 1000 like limits.concurrency: not 1e3, 0x10 or a padded number', () => {
    expect(parseConcurrency('8')).toBe(8);
    expect(parseConcurrency('1000')).toBe(1000);
    expect(parseConcurrency(undefined)).toBeUndefined();
    for (const bad of ['0', '1001', '1e3', '0x10', ' 4', '2.5', '-3', '']) {
      expect(() => parseConcurrency(bad), bad).toThrow(`--concurrency must be a whole number from 1 to 1000, got "${bad}"`);
    }
  });
});
