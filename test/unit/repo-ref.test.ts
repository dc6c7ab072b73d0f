/** SSH URLs on the configured GitHub server are the GitHub repository owner/name, like the shorthand and https URL. */
import { describe, expect, it } from 'vitest';
import { toRepoRef } from '../../src/manifest/repos.js';

const ref = (value: string, serverUrl = 'https://github.com') => toRepoRef(value, '/jobs', serverUrl, {}, { env: {} });

describe('SSH URLs on the GitHub server', () => {
  it.each(['git@github.com:acme/svc.git', 'ssh://git@github.com/acme/svc.git', 'ssh://git@GitHub.com:22/acme/svc'])(
    '%s is the GitHub repository acme/svc (it gets a PR), as acme/svc is',
    (value) => {
      expect(ref(value)).toEqual(ref('acme/svc'));
      expect(ref(value)).toMatchObject({ kind: 'github', key: 'acme/svc', url: 'https://github.com/acme/svc.git' });
    },
  );

  it('match the host of server-url only; other hosts and deeper paths stay plain git repositories', () => {
    expect(ref('git@ghe.example.com:team/api.git', 'https://ghe.example.com')).toMatchObject({ kind: 'github', key: 'team/api' });
    expect(ref('git@github.com:team/api.git', 'https://ghe.example.com')).toMatchObject({ kind: 'git', key: 'git@github.com:team/api.git' });
    expect(ref('git@gitlab.com:acme/svc.git')).toMatchObject({ kind: 'git' });
    expect(ref('ssh://git@github.com/acme/group/svc.git')).toMatchObject({ kind: 'git' });
  });
});
