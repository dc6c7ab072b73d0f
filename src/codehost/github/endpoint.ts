/**
 * Where GitHub is: the REST base URL and the git server. The manifest's `github:` settings win as a pair over the
 * environment (GITHUB_API_URL / GITHUB_SERVER_URL, the names GitHub Actions sets), so a job written for an
 * Enterprise Server does not pick up github.com's API URL from a CI runner. A server URL without an API URL means
 * GitHub Enterprise Server's layout, `<server>/api/v3`.
 */
import { carriesCredentials, quotedUrl } from '../../manifest/repo-string.js';
import { UsageError } from '../../domain/errors.js';
import type { Job } from '../../manifest/job.js';

export interface GithubEndpoint {
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3 (no trailing slash). */
  apiUrl: string;
  /** Git host, e.g. https://github.com; `owner/name` is cloned from `<serverUrl>/owner/name.git`. */
  serverUrl: string;
  /** Host (and port) of the API, used to key rate limits and pause gates. */
  host: string;
}

export const DEFAULT_API_URL = 'https://api.github.com';
export const DEFAULT_SERVER_URL = 'https://github.com';

export function githubEndpoint(job: Pick<Job, 'github'>, env: NodeJS.ProcessEnv): GithubEndpoint {
  const fromManifest = job.github.apiUrl !== undefined || job.github.serverUrl !== undefined;
  const serverUrl = trim(fromManifest ? (job.github.serverUrl ?? DEFAULT_SERVER_URL) : (env.GITHUB_SERVER_URL ?? DEFAULT_SERVER_URL));
  const explicitApi = fromManifest ? job.github.apiUrl : env.GITHUB_API_URL;
  const apiUrl = trim(explicitApi ?? (serverUrl === DEFAULT_SERVER_URL ? DEFAULT_API_URL : `${serverUrl}/api/v3`));
  let api: URL;
  let server: URL;
  try {
    api = new URL(apiUrl);
    server = new URL(serverUrl);
  } catch {
    throw new UsageError(`GitHub URLs are not valid: api ${quotedUrl(apiUrl)}, server ${quotedUrl(serverUrl)}`);
  }
  // The manifest refuses such URLs at validate time; GITHUB_SERVER_URL and GITHUB_API_URL are checked here.
  for (const [name, url, text] of [['GITHUB_SERVER_URL', server, serverUrl], ['GITHUB_API_URL', api, apiUrl]] as const) {
    if (url.username || url.password) throw new UsageError(`${name}: ${carriesCredentials(text)}`);
  }
  return { apiUrl, serverUrl, host: api.host };
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}
