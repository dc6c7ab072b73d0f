/**
 * Semantic checks that a schema cannot express: names that must be unique, templates and conditions that must
 * resolve, files that must stay inside the job folder, environment and secrets, options that contradict each
 * other. One file per area in ./rules/; every problem is reported, in source order.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Job } from './job.js';
import type { JobManifest } from './schema.js';
import { checkConditions } from './rules/conditions.js';
import { checkConflicts } from './rules/conflicts.js';
import { checkE2b } from './rules/e2b.js';
import { checkEnvironment } from './rules/env.js';
import { checkSigningKey } from './rules/signing-key.js';
import { checkStepFiles } from './rules/files.js';
import { checkLimits } from './rules/limits.js';
import { checkLiteralFields } from './rules/literal-fields.js';
import { checkUniqueNames } from './rules/names.js';
import { createReporter, type RuleContext, type RuleInput } from './rules/report.js';
import { checkRepoEntries } from './rules/repos.js';
import { checkTemplates } from './rules/templates.js';

export type { RuleContext } from './rules/report.js';

export async function checkRules(job: Job, manifest: JobManifest, ctx: RuleContext): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const input: RuleInput = { job, manifest, ctx, report: createReporter(ctx, found) };
  checkUniqueNames(input);
  checkRepoEntries(input);
  checkTemplates(input);
  checkLiteralFields(input);
  checkConditions(input);
  checkEnvironment(input);
  checkConflicts(input);
  checkE2b(input);
  checkLimits(input);
  await checkStepFiles(input);
  await checkSigningKey(input);
  return found.sort((a, b) => a.line - b.line || a.col - b.col);
}
