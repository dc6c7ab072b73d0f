/**
 * A git smart-HTTP server on 127.0.0.1 for the end-to-end benchmarks: the forge's own git backend (`git
 * http-backend` per request, the forge's auth rules) over bare repositories in a folder, without its REST API.
 * Pushing needs the token; reading is anonymous, as for public repositories.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { barePathFor, serveGit } from '../../test/support/forge/git-backend.js';
import { ForgeState, type ForgeRepo } from '../../test/support/forge/state.js';

export interface GitServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly token: string;
  readonly login: string;
  /** Serves `<reposRoot>/<owner>/<name>.git` (the folder must exist, as a bare repository). */
  addRepo(owner: string, name: string): void;
  urlOf(owner: string, name: string): string;
  barePath(owner: string, name: string): string;
  /** Pushes received since the server started. */
  pushes(): number;
  close(): Promise<void>;
}

export async function startGitServer(root: string, reposRoot: string): Promise<GitServer> {
  const state = new ForgeState(root, reposRoot);
  const login = 'bench-bot';
  const token = 'bench-made-up-token-0000';
  state.addUser(login, token);
  let pushes = 0;
  const server: Server = createServer((req, res) => {
    serveGit(state, req, res, () => {
      pushes += 1;
    }).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git server error: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const repoOf = (owner: string, name: string): ForgeRepo => ({
    id: state.id(),
    owner,
    name,
    defaultBranch: 'main',
    private: false,
    archived: false,
    disabled: false,
    topics: [],
    pushers: 'everyone',
    draftsSupported: true,
    nextNumber: 1,
  });
  return {
    url,
    token,
    login,
    addRepo(owner, name) {
      state.repos.set(state.key(owner, name), repoOf(owner, name));
    },
    urlOf: (owner, name) => `${url}/${owner}/${name}.git`,
    barePath: (owner, name) => barePathFor(reposRoot, owner, name),
    pushes: () => pushes,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The header both contenders send to authenticate to the server (from the same global git config). */
export function basicAuthHeader(login: string, token: string): string {
  return `Authorization: Basic ${Buffer.from(`${login}:${token}`).toString('base64')}`;
}
