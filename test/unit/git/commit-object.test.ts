import { describe, expect, it } from 'vitest';
import { commitContent, isPlainIdentity } from '../../../src/git/commit-object.js';

describe('commit objects written by fleetmod', () => {
  it('takes an identity as plain only when every git version writes it unchanged', () => {
    expect(isPlainIdentity({ name: 'fleetmod bot', email: 'bot@example.com' })).toBe(true);
    expect(isPlainIdentity({ name: 'Zoë Ünal', email: 'zoe@example.com' })).toBe(true);
    // Crud at an edge (what counts has changed between versions), a delimiter anywhere, nothing at all.
    for (const name of ['Acme Inc.', ' bot', 'bot ', "'bot'", 'bot;', 'a <b', 'a>b', 'a\nb', '']) {
      expect(isPlainIdentity({ name, email: 'bot@example.com' }), JSON.stringify(name)).toBe(false);
    }
    expect(isPlainIdentity({ name: 'bot', email: 'bot@example.com.' })).toBe(false);
  });

  it('writes the headers git writes, the time in whole seconds in UTC, and the message as given', () => {
    const content = commitContent({
      tree: 't'.repeat(40),
      parent: 'p'.repeat(40),
      author: { name: 'fleetmod', email: 'f@example.com' },
      time: 1_700_000_000_999,
      message: 'Subject\n\nBody\n',
    });
    expect(content.toString('utf8')).toBe(
      `tree ${'t'.repeat(40)}\nparent ${'p'.repeat(40)}\nauthor fleetmod <f@example.com> 1700000000 +0000\ncommitter fleetmod <f@example.com> 1700000000 +0000\n\nSubject\n\nBody\n`,
    );
  });
});
