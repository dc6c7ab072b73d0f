import { describe, expect, it } from 'vitest';
import { parseGrace } from '../../../src/cli/run-options.js';
import { UsageError } from '../../../src/domain/errors.js';

describe('--grace', () => {
  it('refuses a duration a timer cannot wait for (it would fire after 1 ms), like the manifest does; 24d is the most', () => {
    expect(() => parseGrace('25d')).toThrow(UsageError);
    expect(() => parseGrace('25d')).toThrow('--grace must be at most 24d, got "25d"');
    expect(parseGrace('24d')).toBe(24 * 86_400_000);
    expect(parseGrace(undefined)).toBe(300_000);
  });
});
