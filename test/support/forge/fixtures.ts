/** Small fixtures for code-host tests against the forge: a bot user, repo refs, pushed branches, PR requests. */
import type { PullRequestRequest } from '../../../src/codehost/types.js';
import type { RepoRef } from '../../../src/domain/repo.js';
import { git } from '../git.js';
import { tempDir } from '../temp.js';
import { startForge, type Forge } from './forge.js';

export const TOKEN = 'ghp_hostTestToken0000000000000000000001';
export const BRANCH = 'fleetmod/rename';

export function ref(forge: Forge, owner: string, name: string): RepoRef {
  return { key: `${owner}/${name}`, url: `${forge.url}/${owner}/${name}.git`, kind: 'github', owner, name, display: `${owner}/${name}`, env: {} };
}

export async function forgeWithBot(): Promise<Forge> {
  const forge = await startForge();
  forge.state.addUser('fleetmod-bot', TOKEN);
  for (const login of ['alice', 'bob']) forge.state.addUser(login);
  forge.state.orgs.set('acme', new Set(['platform']));
  return forge;
}

/** Pushes a one-commit change branch to a forge repository, as fleetmod's push stage would. */
export async function pushBranch(forge: Forge, owner: string, name: string, branch = BRANCH): Promise<string> {
  const dir = await tempDir('fleetmod-push-');
  const auth = `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  await git(dir, '-c', auth, 'clone', '--quiet', `${forge.url}/${owner}/${name}.git`, 'w');
  const work = `${dir}/w`;
  await git(work, 'checkout', '--quiet', '-b', branch);
  await git(work, '-c', 'user.name=bot', '-c', 'user.email=bot@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'change');
  await git(work, '-c', auth, 'push', '--quiet', 'origin', branch);
  return (await git(work, 'rev-parse', 'HEAD')).trim();
}

export function request(forge: Forge, owner: string, name: string, extra: Partial<PullRequestRequest> = {}): PullRequestRequest {
  return {
    repo: ref(forge, owner, name),
    base: 'main',
    branch: BRANCH,
    headOwner: owner,
    title: 'Rename fetchData',
    body: 'Body v1',
    draft: false,
    labels: ['automated', 'deps'],
    reviewers: ['alice'],
    teamReviewers: ['platform'],
    assignees: ['bob'],
    ...extra,
  };
}
