/** Builds fleetmod's GitHub code host (and its parts) pointed at a forge, the way compose does for a run. */
import { createGithubHost } from '../../../src/codehost/github/github-host.js';
import type { GithubCredentials } from '../../../src/codehost/github/credentials.js';
import type { GithubPacing } from '../../../src/codehost/github/pacing.js';
import { createPauseGate, type PauseGate } from '../../../src/codehost/github/pause-gate.js';
import { createGithubSessions, type GithubSessions } from '../../../src/codehost/github/sessions.js';
import { createWriteBudget } from '../../../src/codehost/github/write-budget.js';
import type { CodeHost } from '../../../src/codehost/types.js';
import { createHostGit } from '../../../src/git/host-git.js';
import { createRedactor, type Redactor } from '../../../src/util/redact.js';
import type { Forge } from './forge.js';

export const TEST_PACING: GithubPacing = {
  writeGapMs: 0,
  notificationGapMs: 0,
  perMinute: 1000,
  perHour: 10_000,
  minuteMs: 60_000,
  hourMs: 3_600_000,
  secondaryFallbackSeconds: 1,
  retryBaseMs: 20,
  requestTimeoutMs: 30_000,
};

export interface ForgeHost {
  host: CodeHost;
  sessions: GithubSessions;
  gate: PauseGate;
  redactor: Redactor;
  pauses: { waitMs: number; reason: string }[];
  warnings: string[];
}

export function forgeHost(
  forge: Forge,
  credentials: GithubCredentials,
  options: { pacing?: Partial<GithubPacing>; fork?: 'auto' | 'always' | 'never'; dryRun?: boolean } = {},
): ForgeHost {
  const pacing = { ...TEST_PACING, ...options.pacing };
  const pauses: ForgeHost['pauses'] = [];
  const warnings: string[] = [];
  const gate = createPauseGate({ onPause: (p) => pauses.push({ waitMs: p.waitMs, reason: p.reason }) });
  const redactor = createRedactor(credentials.kind === 'token' ? [credentials.token] : []);
  const sessions = createGithubSessions({
    endpoint: { apiUrl: forge.apiUrl, serverUrl: forge.url, host: new URL(forge.url).host },
    credentials,
    gate,
    budget: createWriteBudget({ perMinute: pacing.perMinute, perHour: pacing.perHour, minuteMs: pacing.minuteMs, hourMs: pacing.hourMs }),
    pacing,
    redactor,
    warn: (w) => warnings.push(w),
  });
  const git = createHostGit({ env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  const host = createGithubHost({ sessions, git, fork: options.fork ?? 'auto', forkPollMs: 20, forkTimeoutMs: 5_000, ...(options.dryRun && { dryRun: true }) });
  return { host, sessions, gate, redactor, pauses, warnings };
}
