/**
 * The local forge: one node:http server on 127.0.0.1 (port 0) that is both a git host (smart-HTTP over real bare
 * repositories, through `git http-backend`) and a fake GitHub REST API under /api/v3. Tests create repositories,
 * users and faults through it, run fleetmod against it, and read back what happened: pull requests, pushes,
 * every API call with its time. It is closed when the test that started it finishes.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { git } from '../git.js';
import { tempDir } from '../temp.js';
import { Api } from './api.js';
import { pullRoutes } from './api-pulls.js';
import { repoRoutes } from './api-repos.js';
import { Faults } from './faults.js';
import { serveGit, type PushEvent } from './git-backend.js';
import { Monitor, forgeNow } from './monitor.js';
import { OpenApiValidator } from './openapi.js';
import { ForgeState, type ForgePull, type ForgeRepo } from './state.js';

export interface RepoSpec {
  owner: string;
  name: string;
  /** Files of the single initial commit. @default a small Node project using fetchData() */
  files?: Record<string, string>;
  defaultBranch?: string;
  private?: boolean;
  archived?: boolean;
  disabled?: boolean;
  topics?: string[];
  /** No commits at all. */
  empty?: boolean;
  /** Who may push besides the owner. @default 'everyone' */
  pushers?: string[] | 'everyone';
  draftsSupported?: boolean;
}

export const DEFAULT_FILES: Record<string, string> = {
  'package.json': '{ "name": "service", "version": "1.0.0" }\n',
  'src/index.js': "import { fetchData } from './client.js';\n\nexport async function main() {\n  return fetchData('/items');\n}\n",
  'src/client.js': 'export function fetchData(path) {\n  return fetch(path);\n}\n',
};

export interface Forge {
  /** Git host, e.g. http://127.0.0.1:41234 (`github.server-url`). */
  readonly url: string;
  /** REST base, e.g. http://127.0.0.1:41234/api/v3 (`github.api-url`). */
  readonly apiUrl: string;
  readonly state: ForgeState;
  readonly monitor: Monitor;
  readonly faults: Faults;
  readonly pushes: PushEvent[];
  /** Emits 'push' (PushEvent) after each ref change. */
  readonly events: EventEmitter;
  createRepo(spec: RepoSpec): Promise<ForgeRepo>;
  /** Pull requests of a repository (all states), or of every repository. */
  pulls(fullName?: string): ForgePull[];
  /** Resolves with the first push matching the predicate (also one that already happened). */
  waitForPush(predicate: (e: PushEvent) => boolean): Promise<PushEvent>;
  close(): Promise<void>;
}

export async function startForge(): Promise<Forge> {
  const root = await tempDir('fleetmod-forge-');
  const reposRoot = path.join(root, 'repos');
  await mkdir(reposRoot, { recursive: true });
  const state = new ForgeState(root, reposRoot);
  const monitor = new Monitor();
  const faults = new Faults();
  const events = new EventEmitter();
  const pushes: PushEvent[] = [];
  let urls = { api: '', server: '' };
  const api = new Api(state, new OpenApiValidator(), monitor, faults, [...repoRoutes, ...pullRoutes], () => urls);

  const server: Server = createServer((req, res) => {
    const done = (err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `forge error: ${String(err)}` }));
    };
    if (Api.isApi(req.url ?? '')) {
      api.serve(req, res).catch(done);
      return;
    }
    serveGit(state, req, res, (event) => {
      const stamped = { ...event, at: forgeNow() };
      pushes.push(stamped);
      events.emit('push', stamped);
    }).catch(done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  urls = { api: `${url}/api/v3`, server: url };

  const seeds = new Map<string, Promise<string>>();
  const seed = (spec: RepoSpec): Promise<string> => {
    const files = spec.files ?? DEFAULT_FILES;
    const branch = spec.defaultBranch ?? 'main';
    const key = createHash('sha256').update(JSON.stringify([files, branch, Boolean(spec.empty)])).digest('hex').slice(0, 16);
    let made = seeds.get(key);
    if (!made) {
      made = makeSeed(path.join(root, 'seeds', `${key}.git`), files, branch, Boolean(spec.empty));
      seeds.set(key, made);
    }
    return made;
  };

  let closed = false;
  const forge: Forge = {
    url,
    apiUrl: urls.api,
    state,
    monitor,
    faults,
    pushes,
    events,
    async createRepo(spec) {
      const repo: ForgeRepo = {
        id: state.id(),
        owner: spec.owner,
        name: spec.name,
        defaultBranch: spec.defaultBranch ?? 'main',
        private: spec.private ?? false,
        archived: spec.archived ?? false,
        disabled: spec.disabled ?? false,
        topics: spec.topics ?? [],
        pushers: spec.pushers === undefined || spec.pushers === 'everyone' ? 'everyone' : new Set(spec.pushers.map((p) => p.toLowerCase())),
        draftsSupported: spec.draftsSupported ?? true,
        nextNumber: 1,
      };
      await cp(await seed(spec), state.barePath(repo), { recursive: true });
      state.repos.set(state.key(repo.owner, repo.name), repo);
      return repo;
    },
    pulls(fullName) {
      return fullName ? state.pulls.filter((p) => p.repo.toLowerCase() === fullName.toLowerCase()) : [...state.pulls];
    },
    waitForPush(predicate) {
      const seen = pushes.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const listener = (e: PushEvent) => {
          if (!predicate(e)) return;
          events.off('push', listener);
          resolve(e);
        };
        events.on('push', listener);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of api.hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  onTestFinished(() => forge.close());
  return forge;
}

/** A bare repository with one commit of `files` (also for plain git remotes next to the forge). */
export async function makeSeed(bare: string, files: Record<string, string>, branch: string, empty: boolean): Promise<string> {
  await mkdir(path.dirname(bare), { recursive: true });
  if (empty) {
    await git(path.dirname(bare), 'init', '--quiet', '--bare', `--initial-branch=${branch}`, bare);
    return bare;
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'fleetmod-forge-seed-'));
  try {
    await git(work, 'init', '--quiet', `--initial-branch=${branch}`);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await git(work, 'add', '-A');
    await git(work, '-c', 'user.name=Forge Seed', '-c', 'user.email=seed@forge.test', 'commit', '--quiet', '--date=2024-01-01T00:00:00Z', '-m', 'Initial commit');
    await git(path.dirname(bare), 'clone', '--quiet', '--bare', work, bare);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return bare;
}
