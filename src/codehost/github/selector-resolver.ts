/**
 * Lists the repositories a manifest's `github:` selector names: every repository of an organisation or a user,
 * those with given topics, or the result of a repository search. Each comes with `archived`, `disabled`, `fork`
 * and `topics` so the manifest's own filters (include/exclude globs, archived, forks, limit) can be applied by
 * the caller, and with `size`, from which `plan` tells a repository that may be empty.
 */
import { UsageError } from '../../domain/errors.js';
import type { GithubSelector } from '../../manifest/job.js';
import type { GithubSelectorResolver } from '../../manifest/repos.js';
import { call } from './errors.js';
import type { GithubSessions } from './sessions.js';

export interface ListedRepo {
  owner: string;
  name: string;
  archived: boolean;
  disabled: boolean;
  fork: boolean;
  topics: string[];
  size?: number;
}

interface RepoItem {
  name: string;
  owner: { login: string } | null;
  archived?: boolean;
  disabled?: boolean;
  fork?: boolean;
  topics?: string[];
  size?: number;
}

/** GitHub's search returns at most this many results. */
const SEARCH_CAP = 1000;

export function createSelectorResolver(sessions: GithubSessions, warn: (message: string) => void = () => undefined): GithubSelectorResolver {
  return {
    async resolve(selector: GithubSelector): Promise<ListedRepo[]> {
      const owner = selector.org ?? selector.user;
      if (!owner && sessions.credentials === 'app' && !selector.search?.match(/\b(org|user):/)) {
        throw new UsageError('a github: search with a GitHub App needs org: or user: (or GITHUB_APP_INSTALLATION_ID) to know which installation to use');
      }
      const session = await sessions.forOwner(owner ?? ownerInQuery(selector.search) ?? '');
      const { api } = session;
      let items: RepoItem[];
      /** Search applies topics itself; a listing is filtered here. */
      let filterTopics = true;
      if (selector.search || (!owner && selector.topics.length > 0)) {
        const q = [
          selector.search ?? '',
          selector.org ? `org:${selector.org}` : '',
          selector.user ? `user:${selector.user}` : '',
          ...selector.topics.map((t) => `topic:${t}`),
          // GitHub's search leaves forks out unless the query asks for them; `forks: true` must see them to keep them.
          selector.forks && !/\bfork:/i.test(selector.search ?? '') ? 'fork:true' : '',
        ].filter(Boolean).join(' ');
        items = (await call(`searching repositories (${q})`, () => api.paginate(api.rest.search.repos, { q, per_page: 100 }))) as RepoItem[];
        filterTopics = false;
        if (items.length >= SEARCH_CAP) warn(`the GitHub search "${q}" has more than ${SEARCH_CAP} results; only the first ${SEARCH_CAP} are used (narrow it, or list by org:)`);
      } else if (selector.org) {
        const org = selector.org;
        items = (await call(`listing the repositories of ${org}`, () => api.paginate(api.rest.repos.listForOrg, { org, type: 'all', per_page: 100 }))) as RepoItem[];
      } else if (selector.user) {
        const user = selector.user;
        // The authenticated user's own listing includes private repositories; the public one does not.
        const me = await session.login();
        items = (me?.toLowerCase() === user.toLowerCase()
          ? await call(`listing the repositories of ${user}`, () => api.paginate(api.rest.repos.listForAuthenticatedUser, { affiliation: 'owner', per_page: 100 }))
          : await call(`listing the repositories of ${user}`, () => api.paginate(api.rest.repos.listForUser, { username: user, type: 'owner', per_page: 100 }))) as RepoItem[];
      } else {
        throw new UsageError('a github: selector needs org, user, topics or search');
      }
      const wanted = selector.topics.map((t) => t.toLowerCase());
      return items
        .filter((r) => !filterTopics || wanted.every((t) => (r.topics ?? []).map((x) => x.toLowerCase()).includes(t)))
        .map((r) => ({
          owner: r.owner?.login ?? owner ?? '',
          name: r.name,
          archived: Boolean(r.archived),
          disabled: Boolean(r.disabled),
          fork: Boolean(r.fork),
          topics: r.topics ?? [],
          ...(r.size !== undefined && { size: r.size }),
        }));
    },
  };
}

function ownerInQuery(q: string | undefined): string | undefined {
  return q ? /\b(?:org|user):([A-Za-z0-9_.-]+)/.exec(q)?.[1] : undefined;
}
