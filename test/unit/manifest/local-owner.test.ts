/** `{{ repo.owner }}` and `{{ repo.name }}` of a local repository come from the path it resolves to. */
import { describe, expect, it } from 'vitest';
import { toRepoRef } from '../../../src/manifest/repos.js';

const ref = (value: string) => toRepoRef(value, '/work/fleet/jobs', 'https://github.com', { HOME: '/home/ann' }, { env: {} });

describe('a local repository', () => {
  it.each([
    ['./a.git', 'jobs', 'a'],
    ['../a.git', 'fleet', 'a'],
    ['../../a', 'work', 'a'],
    ['./src/../a.git/', 'jobs', 'a'],
    ['/a.git', 'local', 'a'],
    ['~/code/svc.git', 'code', 'svc'],
  ])('%s is owned by %s and named %s', (value, owner, name) => {
    expect(ref(value)).toMatchObject({ kind: 'local', owner, name, display: `${owner}/${name}` });
  });
});

describe('names in other scripts than ASCII', () => {
  it.each([
    ['./repos/café-ünïcode.git', 'repos', 'café-ünïcode'],
    ['./équipe/дом.git', 'équipe', 'дом'],
    ['https://git.example.com/größe/ä.git', 'größe', 'ä'],
    ['https://git.example.com/größe/ö.git', 'größe', 'ö'],
  ])('%s keeps its letters: owner %s, name %s', (value, owner, name) => {
    expect(ref(value)).toMatchObject({ owner, name });
  });

  it('a name written with a combining accent is the same as the composed one', () => {
    expect(ref('./repos/cafe\u0301.git')).toMatchObject({ name: 'caf\u00e9' });
  });
});
