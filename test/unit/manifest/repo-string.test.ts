/** parseRepoString: what each message quotes of the entry. */
import { describe, expect, it } from 'vitest';
import { parseRepoString, quotedUrl } from '../../../src/manifest/repo-string.js';

describe('a repository entry with a password in it', () => {
  it.each([
    ['https://bob:Sup3r$ecret!@git.example.com/team/svc.git', 'Sup3r$ecret!', '"https://***@git.example.com/team/svc.git"'],
    ['https://bob:hunter2#x@git.example.com/team/svc.git', 'hunter2#x', '"https://***@git.example.com/team/svc.git"'],
    ['https://bob:hunter 2@git.example.com/team/svc.git', 'hunter 2', '"https://***@git.example.com/team/svc.git"'],
    ['https://bob:p?w@d@git.example.com/team/svc.git', 'p?w@d', '"https://***@git.example.com/team/svc.git"'],
    ['ssh://git:hunter2@git.example.com/team/svc.git', 'hunter2', '"ssh://***@git.example.com/team/svc.git"'],
    ['bob:hunter2@git.example.com/team/svc.git', 'hunter2', '"***@git.example.com/team/svc.git"'],
  ])('%s is refused for its credentials, and the message does not show them', (entry, password, shown) => {
    const parsed = parseRepoString(entry);

    expect(parsed).toEqual({ ok: false, error: `${shown} carries credentials; put the token in GITHUB_TOKEN instead` });
    expect(JSON.stringify(parsed)).not.toContain(password);
  });

  it('is masked in every other message too', () => {
    expect(quotedUrl('https://x-access-token:ghp_abc#1@ghe.example.com')).toBe('"https://***@ghe.example.com"');
  });

  it('leaves user names that are not credentials alone', () => {
    expect(parseRepoString('git@git.example.com:team/svc.git')).toMatchObject({ ok: true, kind: 'url' });
    expect(parseRepoString('ssh://git@git.example.com:22/team/svc.git')).toMatchObject({ ok: true, kind: 'url' });
    expect(parseRepoString('ssh://git@git.example.com/team/$(id)')).toEqual({
      ok: false,
      error: '"ssh://***@git.example.com/team/$(id)" contains the shell metacharacter "$", which is not allowed in a repository entry',
    });
  });
});
