/**
 * Finding fleetmod's sandboxes on E2B by their metadata, and killing them: used when a run resumes (sandboxes
 * that an interrupted process of the same run left behind) and by `fleetmod sandboxes`.
 */
import type { E2B, SandboxInfo } from 'e2b';
import { CREATE_ID_KEY, CREATED_BY_KEY, CREATED_BY_VALUE } from './layout.js';

export interface FleetmodSandbox {
  id: string;
  job: string;
  run: string;
  repo: string;
  template: string;
  startedAt: Date;
  endAt: Date;
  /** The create attempt that made it (layout.ts CREATE_ID_KEY; '' for sandboxes of older fleetmods). */
  createId: string;
}

/** Every running sandbox fleetmod created (optionally of one run), across all pages of the list. */
export async function listFleetmodSandboxes(client: E2B, filter: { run?: string } = {}): Promise<FleetmodSandbox[]> {
  const metadata: Record<string, string> = { [CREATED_BY_KEY]: CREATED_BY_VALUE, ...(filter.run && { run: filter.run }) };
  const paginator = client.Sandbox.list({ query: { metadata, state: ['running'] }, limit: 100 });
  const found: SandboxInfo[] = [];
  while (paginator.hasNext) found.push(...(await paginator.nextItems()));
  return found.map((s) => ({
    id: s.sandboxId,
    job: s.metadata.job ?? '',
    run: s.metadata.run ?? '',
    repo: s.metadata.repo ?? '',
    template: s.name ?? s.templateId,
    startedAt: s.startedAt,
    endAt: s.endAt,
    createId: s.metadata[CREATE_ID_KEY] ?? '',
  }));
}

export interface KillOutcome {
  killed: string[];
  /** Already gone (killed elsewhere or expired). */
  gone: string[];
  failed: { id: string; error: string }[];
}

export async function killSandboxes(client: E2B, ids: readonly string[]): Promise<KillOutcome> {
  const outcome: KillOutcome = { killed: [], gone: [], failed: [] };
  await Promise.all(
    ids.map(async (id) => {
      try {
        if (await client.Sandbox.kill(id)) outcome.killed.push(id);
        else outcome.gone.push(id);
      } catch (err) {
        outcome.failed.push({ id, error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  return outcome;
}
