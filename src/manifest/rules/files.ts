/**
 * Step `files` are copied from next to the manifest into the sandbox. Each must be a regular file inside the
 * manifest's folder: no absolute paths, no "..", and no symbolic link that leads out of the folder (that would
 * copy e.g. ~/.ssh/id_rsa into an untrusted sandbox).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RuleInput } from './report.js';

export async function checkStepFiles({ job, manifest: m, report }: RuleInput): Promise<void> {
  const root = await realpath(job.dir).catch(() => job.dir);
  const candidateSteps = Array.isArray(m.candidates) ? m.candidates.map((c, ci) => ({ steps: c.steps ?? [], base: ['candidates', ci] })) : [];
  for (const { steps, base } of [{ steps: m.steps, base: [] as (string | number)[] }, ...candidateSteps]) {
    for (const [i, step] of steps.entries()) {
      const seen = new Set<string>();
      for (const [j, file] of (step.files ?? []).entries()) {
        const where = [...base, 'steps', i, 'files', j];
        const problem = await fileProblem(root, job.dir, file);
        if (problem) report.error(where, problem);
        else if (seen.has(path.normalize(file))) report.warning(where, `"${file}" is listed twice`);
        seen.add(path.normalize(file));
      }
    }
  }
}

async function fileProblem(root: string, dir: string, file: string): Promise<string | undefined> {
  if (path.isAbsolute(file) || file.startsWith('~')) {
    return `"${file}" must be a path relative to the manifest's folder; copy the file next to the manifest`;
  }
  if (file.split(/[\\/]/).includes('..')) return `"${file}" leaves the manifest's folder (".." is not allowed); copy the file next to the manifest`;
  const absolute = path.join(dir, file);
  const info = await stat(absolute).catch(() => null);
  if (!info) return `"${file}" does not exist next to the manifest`;
  if (info.isDirectory()) return `"${file}" is a folder; list the files inside it one by one`;
  if (!info.isFile()) return `"${file}" is not a regular file`;
  const real = await realpath(absolute).catch(() => absolute);
  if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
    return `"${file}" is a symbolic link to ${real}, outside the manifest's folder; copy the file instead`;
  }
  return undefined;
}

