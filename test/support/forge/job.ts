/** Writes job manifests that point fleetmod at a forge (GHES layout: api-url …/api/v3, server-url the git host). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Forge } from './forge.js';

export interface ForgeJobOptions {
  name?: string;
  repos: string[];
  /** Shell for the step. @default renames fetchData to loadData */
  step?: string;
  pr?: Record<string, unknown> | null;
  change?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  provider?: 'host' | 'local';
  github?: Record<string, unknown>;
}

export const RENAME_STEP = "grep -rl fetchData src | xargs -r sed -i 's/fetchData/loadData/g'";

/** Fails the step when the push token (or its variable) is visible inside the sandbox. */
export const TOKEN_CHECK_STEP = `if env | grep -q -e GITHUB_TOKEN -e GH_TOKEN -e ghp_; then echo "the token is visible in the sandbox" >&2; exit 9; fi; ${RENAME_STEP}`;

export async function writeForgeJob(dir: string, file: string, forge: Forge, options: ForgeJobOptions): Promise<string> {
  const pr = options.pr === undefined ? { title: 'Rename fetchData to loadData', body: 'Automated by fleetmod.' } : options.pr;
  const job = {
    name: options.name ?? 'rename-fetch',
    repos: options.repos,
    github: { 'api-url': forge.apiUrl, 'server-url': forge.url, ...(options.github ?? {}) },
    sandbox: { provider: options.provider ?? 'host', timeout: '2m' },
    steps: [{ name: 'rename', run: options.step ?? RENAME_STEP }],
    change: {
      branch: 'fleetmod/{{ job.name }}',
      commit: { message: 'Rename fetchData to loadData', author: 'fleetmod bot <bot@example.com>' },
      ...(pr && { pr }),
      ...(options.change ?? {}),
    },
    limits: { concurrency: 4, retries: 1, ...(options.limits ?? {}) },
  };
  const target = path.join(dir, file);
  // JSON is YAML: no quoting questions for the shell commands.
  await writeFile(target, `${JSON.stringify(job, null, 2)}\n`);
  return target;
}

/** Pacing for tests that are not about pacing: no gaps, no budget windows that bind (see FLEETMOD_GITHUB_PACING). */
export const FAST_PACING = JSON.stringify({ writeGapMs: 0, notificationGapMs: 0, retryBaseMs: 50, secondaryFallbackSeconds: 1 });
