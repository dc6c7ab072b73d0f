/**
 * What the fake GitHub knows: users and their tokens, organisations and teams, repositories (settings and who may
 * push; their content lives in real bare git repositories under `reposRoot`), pull requests with labels,
 * reviewers, assignees, comments and reviews, commit statuses and check runs, and a GitHub App with
 * installations. Plain data, changed by the REST handlers and inspected by tests.
 */
import path from 'node:path';

export interface ForgeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  archived: boolean;
  disabled: boolean;
  /** Full name of the repository this one is a fork of. */
  parent?: string;
  topics: string[];
  /** Logins that may push besides the owner; `'everyone'` for any known user. */
  pushers: Set<string> | 'everyone';
  draftsSupported: boolean;
  /** Issue/PR numbers are shared, as on GitHub. */
  nextNumber: number;
}

export interface ForgeReview {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
}

export interface ForgePull {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  closedAt: string | null;
  draft: boolean;
  author: string;
  headOwner: string;
  /** Full name of the repository the head branch lives in. */
  headRepo: string;
  headRef: string;
  base: string;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  assignees: string[];
  comments: { user: string; body: string }[];
  reviews: ForgeReview[];
  createdAt: string;
  updatedAt: string;
}

export interface ForgeApp {
  id: string;
  publicKey: string;
  /** Installation id by account login. */
  installations: Map<string, number>;
  /** Lifetime of installation tokens it issues. */
  tokenLifetimeMs: number;
}

export class ForgeState {
  readonly users = new Set<string>();
  private readonly tokens = new Map<string, { login: string; expiresAt?: number }>();
  readonly orgs = new Map<string, Set<string>>();
  readonly repos = new Map<string, ForgeRepo>();
  readonly pulls: ForgePull[] = [];
  /** Commit statuses and check runs by commit SHA. */
  readonly statuses = new Map<string, { context: string; state: 'success' | 'failure' | 'pending' | 'error' }[]>();
  readonly checkRuns = new Map<string, { name: string; status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null }[]>();
  app?: ForgeApp;
  /** Installation tokens issued, in order (tests check refreshes and redaction). */
  readonly issuedTokens: string[] = [];
  private nextId = 1000;

  constructor(
    readonly root: string,
    readonly reposRoot: string,
  ) {}

  id(): number {
    return (this.nextId += 1);
  }

  addUser(login: string, token?: string): void {
    this.users.add(login);
    if (token) this.tokens.set(token, { login });
  }

  addToken(token: string, login: string, expiresAt?: number): void {
    this.tokens.set(token, { login, ...(expiresAt !== undefined && { expiresAt }) });
  }

  loginForToken(token: string): string | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.login;
  }

  key(owner: string, name: string): string {
    return `${owner}/${name}`.toLowerCase();
  }

  repo(owner: string, name: string): ForgeRepo | undefined {
    return this.repos.get(this.key(owner, name));
  }

  fullName(repo: ForgeRepo): string {
    return `${repo.owner}/${repo.name}`;
  }

  barePath(repo: ForgeRepo): string {
    return path.join(this.reposRoot, repo.owner, `${repo.name}.git`);
  }

  isMember(login: string, owner: string): boolean {
    return login.toLowerCase() === owner.toLowerCase() || Boolean(this.orgs.get(owner.toLowerCase())?.has(`member:${login.toLowerCase()}`));
  }

  canRead(repo: ForgeRepo, login: string | undefined): boolean {
    if (!repo.private) return true;
    return login !== undefined && (this.canPush(repo, login) || this.isMember(login, repo.owner));
  }

  canPush(repo: ForgeRepo, login: string): boolean {
    if (login.toLowerCase() === repo.owner.toLowerCase()) return true;
    if (login.startsWith('app/')) return true;
    return repo.pushers === 'everyone' ? this.users.has(login) : repo.pushers.has(login.toLowerCase());
  }

  pullsOf(repo: ForgeRepo): ForgePull[] {
    const full = this.fullName(repo).toLowerCase();
    return this.pulls.filter((p) => p.repo.toLowerCase() === full);
  }

  /** Teams of an organisation (slugs). */
  teams(org: string): string[] {
    return [...(this.orgs.get(org.toLowerCase()) ?? [])].filter((t) => !t.startsWith('member:'));
  }
}
