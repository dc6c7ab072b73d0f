import { describe, expect, it } from 'vitest';
import { selectGithubRepos, type GithubRepoListing } from '../../src/manifest/github-filter.js';
import { matchesGlob } from '../../src/manifest/glob.js';
import type { GithubSelector } from '../../src/manifest/job.js';

function selector(overrides: Partial<GithubSelector> = {}): GithubSelector {
  return { org: 'acme', topics: [], include: [], exclude: [], archived: false, forks: false, ...overrides };
}

const repo = (name: string, extra: Partial<GithubRepoListing> = {}): GithubRepoListing => ({ owner: 'acme', name, ...extra });

describe('globs on owner/name', () => {
  it.each([
    ['acme/*', 'acme', 'api', true],
    ['acme/*', 'other', 'api', false],
    ['*-legacy', 'acme', 'billing-legacy', true],
    ['*-legacy', 'acme', 'legacy-billing', false],
    ['ACME/API', 'acme', 'api', true],
    ['acme/api-?', 'acme', 'api-2', true],
    ['acme/api-?', 'acme', 'api-10', false],
    ['acme/a.b', 'acme', 'aXb', false],
    ['*/*', 'acme', 'api', true],
  ])('%s on %s/%s → %s', (glob, owner, name, expected) => {
    expect(matchesGlob(glob, owner, name)).toBe(expected);
  });
});

describe('selectGithubRepos', () => {
  it('drops archived repositories and forks unless asked for, with the reason', () => {
    const listed = [repo('api'), repo('old', { archived: true }), repo('fork-of-x', { fork: true })];

    expect(selectGithubRepos(selector(), listed)).toEqual({
      kept: [repo('api')],
      dropped: [
        { repo: repo('old', { archived: true }), reason: 'archived (archived: false)' },
        { repo: repo('fork-of-x', { fork: true }), reason: 'a fork (forks: false)' },
      ],
    });
    expect(selectGithubRepos(selector({ archived: true, forks: true }), listed).kept).toHaveLength(3);
  });

  it('keeps repositories with every topic (case-insensitively), include then exclude, then the limit', () => {
    const listed = [
      repo('api-service', { topics: ['Backend', 'node'] }),
      repo('web', { topics: ['frontend'] }),
      repo('billing-service', { topics: ['backend', 'node'] }),
      repo('billing-legacy', { topics: ['backend', 'node'] }),
      repo('jobs-service', { topics: ['backend', 'node'] }),
      repo('auth-service', { topics: ['backend', 'node'] }),
    ];

    const selected = selectGithubRepos(
      selector({ topics: ['backend', 'node'], include: ['acme/*-service', '*-legacy'], exclude: ['billing-*'], limit: 2 }),
      listed,
    );

    expect(selected.kept.map((r) => r.name)).toEqual(['api-service', 'jobs-service']);
    expect(selected.dropped.map((d) => [d.repo.name, d.reason])).toEqual([
      ['web', 'no topic backend, node'],
      ['billing-service', 'matched by exclude billing-*'],
      ['billing-legacy', 'matched by exclude billing-*'],
      ['auth-service', 'beyond limit 2'],
    ]);
  });

  it('treats a listing without topics as having none', () => {
    expect(selectGithubRepos(selector({ topics: ['go'] }), [repo('api')]).dropped).toEqual([{ repo: repo('api'), reason: 'no topic go' }]);
  });
});
