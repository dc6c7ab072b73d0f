/**
 * Fault injection for the forge's API: rules that answer matching requests with what GitHub sends when things go
 * wrong (secondary and primary rate limits, 5xx, a PR that "already exists", a request that never gets an answer),
 * and a storm: every request refused for a while once a given number of writes has arrived.
 */
export type FaultAnswer =
  /** 403 (or 429) "You have exceeded a secondary rate limit", with or without retry-after. */
  | { kind: 'secondary'; status?: 403 | 429; retryAfter?: number }
  /** 403 with x-ratelimit-remaining: 0 and a reset this many seconds ahead. */
  | { kind: 'primary'; resetInSeconds: number }
  /** A bare error status (502, 500…). */
  | { kind: 'status'; status: number }
  /** For POST …/pulls: the PR is created, but the answer is 422 "A pull request already exists" (a lost answer/race). */
  | { kind: 'already-exists' }
  /** No answer until the forge closes (a process killed mid-request never gets one either). */
  | { kind: 'hang' }
  /** Carried out and answered as usual: for a rule that only watches, e.g. kills the client as its request arrives. */
  | { kind: 'served' }
  /** Carried out, but answered with this 5xx anyway: the answer was lost on its way back (a proxy's 502). */
  | { kind: 'lost-answer'; status: number };

export interface FaultRule {
  method?: string;
  /** Matched against the path without the /api/v3 prefix. */
  path?: RegExp;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
  /** How many matching requests get the fault. @default 1 */
  times?: number;
  /** Of the matching requests after `skip`, only every n-th gets the fault. @default 1 */
  every?: number;
  answer: FaultAnswer;
  /** Told when the rule fires (e.g. to kill the client at that moment). */
  onFire?: () => void;
}

interface LiveRule extends Required<Omit<FaultRule, 'method' | 'path' | 'onFire'>> {
  method?: string;
  path?: RegExp;
  onFire?: () => void;
  seen: number;
  fired: number;
}

export interface Storm {
  /** The storm starts with the request that brings the write count to this number. */
  afterWrites: number;
  durationMs: number;
  status?: 403 | 429;
  retryAfter?: number;
}

/** A fault for the git side of the forge (smart-HTTP), e.g. a clone whose connection is cut mid-transfer. */
export interface GitFaultRule {
  /** Which service: fetch/clone (`upload-pack`) or push (`receive-pack`); only the POST carrying the pack counts. */
  service: 'upload-pack' | 'receive-pack';
  /** Only these repositories ("owner/name"). @default every repository */
  repos?: string[];
  /** For upload-pack: only requests carrying this protocol-v2 command (`fetch` = the transfer of a clone). */
  command?: 'fetch' | 'ls-refs';
  /** Fire on every n-th matching request (1 = every one). @default 1 */
  every?: number;
  /** Stop after firing this many times. @default unlimited */
  times?: number;
  /** `hangup`: the connection is cut after the response started (git: "the remote end hung up"). */
  answer: 'hangup' | { status: number };
}

export class Faults {
  private readonly rules: LiveRule[] = [];
  private readonly gitRules: (GitFaultRule & { seen: number; fired: number })[] = [];
  /** How many git faults fired, for tests that count retries. */
  gitFired = 0;

  addGit(rule: GitFaultRule): void {
    this.gitRules.push({ ...rule, seen: 0, fired: 0 });
  }

  /** The git fault for this request, if any. */
  matchGit(service: 'upload-pack' | 'receive-pack', repo: string, command?: string): GitFaultRule['answer'] | undefined {
    for (const rule of this.gitRules) {
      if (rule.service !== service || (rule.repos && !rule.repos.includes(repo))) continue;
      if (rule.command && rule.command !== command) continue;
      rule.seen += 1;
      if (rule.seen % (rule.every ?? 1) !== 0 || rule.fired >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      rule.fired += 1;
      this.gitFired += 1;
      return rule.answer;
    }
    return undefined;
  }
  private storm: (Storm & { startedAt?: number }) | undefined;
  private writesSeen = 0;

  add(rule: FaultRule): void {
    this.rules.push({ skip: 0, times: 1, every: 1, ...rule, seen: 0, fired: 0 });
  }

  /** Drops every rule and the storm (e.g. once the client a fault was meant for is gone). */
  clear(): void {
    this.rules.length = 0;
    this.gitRules.length = 0;
    this.storm = undefined;
  }

  startStorm(storm: Storm): void {
    this.storm = { ...storm };
    this.writesSeen = 0;
  }

  /** When the storm started, if it has. */
  stormStartedAt(): number | undefined {
    return this.storm?.startedAt;
  }

  /** The fault for this request, if any. Counts writes for the storm. */
  match(method: string, path: string, write: boolean, now: number): FaultAnswer | undefined {
    if (write) this.writesSeen += 1;
    const storm = this.storm;
    if (storm) {
      if (storm.startedAt === undefined && this.writesSeen >= storm.afterWrites) storm.startedAt = now;
      if (storm.startedAt !== undefined && now < storm.startedAt + storm.durationMs) {
        return { kind: 'secondary', ...(storm.status && { status: storm.status }), ...(storm.retryAfter !== undefined && { retryAfter: storm.retryAfter }) };
      }
    }
    for (const rule of this.rules) {
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !rule.path.test(path)) continue;
      rule.seen += 1;
      if (rule.seen <= rule.skip || rule.fired >= rule.times) continue;
      if ((rule.seen - rule.skip) % rule.every !== 0) continue;
      rule.fired += 1;
      rule.onFire?.();
      return rule.answer;
    }
    return undefined;
  }
}
