/** Template values and step environment for one repository in one run. */
import type { RepoRef } from '../domain/repo.js';
import type { Job } from '../manifest/job.js';

export interface StepOutput {
  name: string;
  outcome: 'success' | 'failure' | 'skipped' | 'timeout';
  stdout: string;
}

export interface VariableInput {
  job: Job;
  runId: string;
  repo: RepoRef;
  base: string;
  branch?: string;
  steps?: readonly StepOutput[];
  diff?: { files: number; insertions: number; deletions: number };
  extra?: Readonly<Record<string, string>>;
}

export function templateValues(input: VariableInput): Record<string, string> {
  const values: Record<string, string> = {
    'repo.owner': input.repo.owner,
    'repo.name': input.repo.name,
    'repo.url': input.repo.url,
    'repo.key': input.repo.key,
    'repo.base': input.base,
    'job.name': input.job.name,
    'run.id': input.runId,
  };
  if (input.branch !== undefined) values['change.branch'] = input.branch;
  for (const step of input.steps ?? []) {
    values[`steps.${step.name}.stdout`] = step.stdout.trim();
    values[`steps.${step.name}.outcome`] = step.outcome;
  }
  if (input.diff) {
    values['diff.files'] = String(input.diff.files);
    values['diff.insertions'] = String(input.diff.insertions);
    values['diff.deletions'] = String(input.diff.deletions);
  }
  return { ...values, ...(input.extra ?? {}) };
}

/** Variables every sandboxed command sees, so scripts need no templating to know where they are. */
export function stepEnvironment(input: VariableInput): Record<string, string> {
  return {
    FLEETMOD_JOB: input.job.name,
    FLEETMOD_RUN_ID: input.runId,
    FLEETMOD_REPO: input.repo.key,
    FLEETMOD_REPO_OWNER: input.repo.owner,
    FLEETMOD_REPO_NAME: input.repo.name,
    FLEETMOD_BASE_BRANCH: input.base,
  };
}
