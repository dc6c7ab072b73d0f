/**
 * The `e2b` provider: each repo in its own E2B microVM. Creates are retried under back-pressure; the checkout
 * is uploaded without credentials; every sandbox is tracked and killed on destroy, on shutdown (Ctrl-C, crash
 * paths) and — when a run resumes — sandboxes an earlier process of the same run left behind are found by their
 * metadata and killed. A create that failed without an answer may still make a sandbox on E2B's side: it is
 * looked for by the attempt's create-id and killed (orphans.ts), and shutdown kills whatever of its runs this
 * process does not hold. A sandbox lost mid-task throws SandboxLost once per repo (the orchestrator retries it on
 * a fresh sandbox); a second loss of the same repo is final.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Sandbox as SdkSandbox } from 'e2b';
import { AuthenticationError } from 'e2b';
import { Interrupted, SandboxLost, SandboxUnavailable, type FleetmodError } from '../../domain/errors.js';
import { abortableSleep } from '../../orchestrator/execute-task.js';
import { removeLeftoverTempDirs } from '../../util/owned-temp.js';
import { waitForCreationSlot } from '../shared/creation-slot.js';
import type { ProviderCheck, Sandbox, SandboxProvider, SandboxRequest } from '../types.js';
import { createE2bClient, describeEndpoint, type E2bConnection } from './connection.js';
import { createWithRetry, type CreateRetryOptions } from './create-retry.js';
import { E2bFailed, SandboxLostAgain, classifySandboxFailure, describeSdkError, isRetryableApiError, isUnansweredRequest } from './errors.js';
import { CREATE_ID_KEY, CREATED_BY_KEY, CREATED_BY_VALUE, E2B_FILES_DIR, sandboxLifetimeMs, transferTimeoutMs } from './layout.js';
import { killSandboxes, listFleetmodSandboxes } from './leftovers.js';
import { createOrphanWatch, type OrphanWatchOptions } from './orphans.js';
import { networkOptions } from './policy.js';
import { E2bSandbox } from './sandbox.js';
import { uploadCheckout } from './upload.js';
import { PACK_PREFIX, packWorkspace, unpackCommand, type PackedWorkspace } from './workspace.js';

export interface E2bProviderOptions {
  connection: E2bConnection;
  /** Things the user should hear about: leftovers killed, a sandbox that could not be killed. */
  notice?: (message: string) => void;
  createRetry?: CreateRetryOptions;
  /** Attempts to kill one sandbox before giving up on it. @default 4 */
  killAttempts?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** How long to look for the sandbox of a create that failed without an answer. */
  orphanWatch?: OrphanWatchOptions;
}

export function createE2bProvider(options: E2bProviderOptions): SandboxProvider {
  const client = createE2bClient(options.connection);
  const notice = options.notice ?? (() => undefined);
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  /** Sandboxes created and not yet confirmed killed, by id. */
  const live = new Map<string, SdkSandbox>();
  /** First loss per run and repo: the second one is final. */
  const losses = new Map<string, string>();
  const sweeps = new Map<string, Promise<void>>();
  /** Every sandbox id this provider created, and the creates still waiting for theirs. */
  const ownIds = new Set<string>();
  const inflight = new Set<Promise<unknown>>();
  let stopping = new AbortController();
  const orphans = createOrphanWatch(client, notice, options.orphanWatch);
  /** Pack folders a killed fleetmod left in the temporary folder, removed once, before this process packs any. */
  let oldPacksRemoved: Promise<unknown> | undefined;

  const kill = async (sandbox: SdkSandbox): Promise<void> => {
    const attempts = options.killAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await sandbox.kill();
        live.delete(sandbox.sandboxId);
        return;
      } catch (err) {
        if (attempt >= attempts || !isRetryableApiError(err)) {
          notice(`could not kill E2B sandbox ${sandbox.sandboxId} (${describeSdkError(err)}); it stops at its timeout, or run: fleetmod sandboxes --kill`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  };

  /**
   * Kills the run's running sandboxes that this process did not create. A listed sandbox is not ours only once
   * every create that was in flight has returned its id; `whose` says where such sandboxes come from.
   */
  const killStrays = async (run: string, whose: string): Promise<void> => {
    try {
      const listed = await listFleetmodSandboxes(client, { run });
      await Promise.allSettled([...inflight]);
      const strays = listed.filter((s) => !ownIds.has(s.id));
      if (strays.length === 0) return;
      const outcome = await killSandboxes(client, strays.map((s) => s.id));
      notice(`killed ${outcome.killed.length} E2B sandbox(es) of run ${run} ${whose}`);
      for (const f of outcome.failed) notice(`could not kill E2B sandbox ${f.id} of run ${run}: ${f.error}`);
    } catch (err) {
      notice(`could not look for E2B sandboxes of run ${run} that this process does not hold: ${describeSdkError(err)}`);
    }
  };

  /**
   * Once per run and process (at its first sandbox, or as a resumed run starts): kill what an interrupted earlier
   * process of this run left running. It runs beside the creates, not before them (a create's timing is what the
   * creation-rate limit paces).
   */
  const sweepLeftovers = (run: string | undefined): void => {
    if (!run || sweeps.has(run)) return;
    sweeps.set(run, killStrays(run, 'left running by an interrupted earlier process'));
  };

  const transferMs = (request: SandboxRequest) => transferTimeoutMs(request.limits.timeoutMs, options.connection.requestTimeoutMs);

  const lost = (request: SandboxRequest, reason: string): FleetmodError => {
    // Per repo and candidate: two candidates of one repo may each lose a sandbox once.
    const key = `${request.labels.run ?? ''}\u0000${request.labels.repo ?? ''}\u0000${request.labels.candidate ?? ''}`;
    const first = losses.get(key);
    if (first === undefined) {
      losses.set(key, reason);
      return new SandboxLost(`E2B ${reason}`);
    }
    return new SandboxLostAgain(`E2B sandbox lost again on the retry: ${reason} (the first time: ${first})`);
  };

  /** `signal`: the request's stop or the provider's shutdown, whichever comes first. */
  const createSdkSandbox = async (request: SandboxRequest, signal: AbortSignal): Promise<SdkSandbox> => {
    const outcome = await createWithRetry(
      // The abort signal is deliberately not passed on to the create: an aborted create may still make a sandbox on
      // E2B's side that nobody would kill. Each attempt waits for a creation slot instead (a retry of a refused
      // create must not add to the next burst); that wait can be long, so it ends with the signal, which is checked
      // once more before anything is sent.
      async () => {
        await waitForCreationSlot(request, signal);
        const createId = randomUUID();
        try {
          return await client.Sandbox.create(request.template, {
            timeoutMs: sandboxLifetimeMs(request.limits.timeoutMs),
            metadata: { ...request.labels, [CREATED_BY_KEY]: CREATED_BY_VALUE, [CREATE_ID_KEY]: createId },
            envs: { FLEETMOD_SANDBOX: 'e2b', FLEETMOD_FILES: E2B_FILES_DIR, CI: 'true', LANG: 'C.UTF-8', TERM: 'dumb' },
            ...networkOptions(request.network),
          });
        } catch (err) {
          // No answer is not no sandbox: E2B may be starting it still, and nobody would kill it.
          if (isUnansweredRequest(err)) orphans.watch(createId, `a create for ${request.labels.repo ?? 'a repository'}`, request.labels.run);
          throw err;
        }
      },
      {
        ...options.createRetry,
        signal,
        sleep,
        paced: request.creationSlot !== undefined,
        onRetry: ({ attempt, delayMs, error }) =>
          notice(
            `creating an E2B sandbox failed (attempt ${attempt}): ${describeSdkError(error)}; trying again ${delayMs === 0 ? 'at the next creation slot' : `in ${Math.round(delayMs / 1000)}s`}`,
          ),
      },
    );
    if ('error' in outcome) {
      const { error, attempts } = outcome;
      if (error instanceof AuthenticationError) throw new SandboxUnavailable(`E2B rejected the API key: ${error.message}`, 'check E2B_API_KEY (https://e2b.dev/dashboard?tab=keys)');
      const what = `creating an E2B sandbox from template "${request.template}"`;
      if (outcome.retryable) throw new SandboxLost(`${what} failed ${attempts} times: ${describeSdkError(error)}`, { cause: error });
      throw new E2bFailed(`${what} failed: ${describeSdkError(error)}`, { cause: error });
    }
    const sandbox = outcome.value;
    ownIds.add(sandbox.sandboxId);
    live.set(sandbox.sandboxId, sandbox);
    return sandbox;
  };

  /** Puts the checkout into a new sandbox and starts the job's budget; the sandbox is destroyed if that fails. */
  const prepare = async (sdk: SdkSandbox, packed: PackedWorkspace, request: SandboxRequest, stopped: AbortSignal): Promise<E2bSandbox> => {
    const sandbox = new E2bSandbox(sdk, request, {
      lost: (reason) => lost(request, reason),
      kill: () => kill(sdk),
      now,
      transferTimeoutMs: transferMs(request),
      ...(packed.head !== null && { base: packed.head }),
    });
    try {
      // A stop that came while the create was on its way: the sandbox exists (and is billed) but is not used.
      if (stopped.aborted) throw new Interrupted('stopped while creating an E2B sandbox');
      // A big checkout can take longer than the SDK's request deadline; allow what a step may take.
      await uploadCheckout(sdk, packed, request, transferMs(request)).catch((err: unknown) => {
        throw sandboxFailure(err, sandbox, request, lost);
      });
      await sandbox.housekeeping('unpacking the checkout', unpackCommand());
      await sandbox.startBudget();
      return sandbox;
    } catch (err) {
      await sandbox.destroy();
      request.onDiscarded?.(sandbox);
      throw err;
    }
  };

  return {
    name: 'e2b',
    isolated: true,

    async check(): Promise<ProviderCheck> {
      const endpoint = describeEndpoint(options.connection);
      if (!options.connection.apiKey) {
        return { ok: false, lines: ['E2B_API_KEY is not set'], fix: 'export E2B_API_KEY=e2b_…  (create a key at https://e2b.dev/dashboard?tab=keys)' };
      }
      try {
        const running = await listFleetmodSandboxes(client);
        return { ok: true, lines: [`E2B API at ${endpoint}: the key works; ${running.length} fleetmod sandbox(es) running now`] };
      } catch (err) {
        if (err instanceof AuthenticationError) {
          return { ok: false, lines: [`E2B API at ${endpoint} rejected E2B_API_KEY`], fix: 'check E2B_API_KEY (https://e2b.dev/dashboard?tab=keys)' };
        }
        return { ok: false, lines: [`cannot reach the E2B API at ${endpoint}: ${describeSdkError(err)}`] };
      }
    },

    async create(request: SandboxRequest): Promise<Sandbox> {
      if (!options.connection.apiKey) throw new SandboxUnavailable('E2B_API_KEY is not set', 'export E2B_API_KEY=e2b_…');
      sweepLeftovers(request.labels.run);
      const stopped = request.signal ? AbortSignal.any([request.signal, stopping.signal]) : stopping.signal;
      // Packed before the creation slot and the create: E2B bills (and counts the lifetime) from the create, and tar
      // on a big checkout on a busy host can take a while. A checkout that cannot be packed costs no sandbox.
      await (oldPacksRemoved ??= removeLeftoverTempDirs(os.tmpdir(), [PACK_PREFIX]));
      const packed = await packWorkspace(request.workspace);
      try {
        const creating = createSdkSandbox(request, stopped);
        inflight.add(creating);
        const sdk = await creating.finally(() => inflight.delete(creating));
        return await prepare(sdk, packed, request, stopped);
      } finally {
        await packed.dispose();
      }
    },

    resumingRun(runId: string): void {
      sweepLeftovers(runId);
    },

    async shutdown(): Promise<void> {
      stopping.abort();
      await Promise.allSettled([...inflight, ...sweeps.values()]);
      await Promise.all([...live.values()].map((sandbox) => kill(sandbox)));
      await orphans.settled();
      // A last look at each run: a sandbox of it that this process does not hold came from a create whose failure
      // looked like a refusal, or appeared after its watch ended. It would run, billed, until its lifetime ends.
      await Promise.all([...sweeps.keys()].map((run) => killStrays(run, 'that this process did not hold (made for a create that had failed)')));
      stopping = new AbortController();
    },
  };
}

function sandboxFailure(err: unknown, sandbox: E2bSandbox, request: SandboxRequest, lost: (request: SandboxRequest, reason: string) => FleetmodError): unknown {
  if (err instanceof Interrupted) return err;
  const reason = `sandbox ${sandbox.id} failed while uploading the checkout: ${describeSdkError(err)}`;
  return classifySandboxFailure(err) === 'lost' ? lost(request, reason) : new E2bFailed(`E2B ${reason}`, { cause: err });
}
