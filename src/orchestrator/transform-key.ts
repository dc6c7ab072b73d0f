/**
 * What a job's transformation is made of, hashed: two runs with the same key, on the same repository at the same
 * base commit, are expected to produce the same change — so a new run may take the earlier run's journaled result
 * instead of running the sandbox again (`--no-reuse` turns that off).
 *
 * In the key: the sandbox (provider, template, network, environment, secret names, limits), every candidate's
 * steps, verify and score commands, the selection rule, and the content of every step file. Not in it: the repo
 * list, limits, branch, commit message and PR text — they do not change what the steps produce (the commit is
 * keyed separately, commit-key.ts). A transformation that reads `{{ run.id }}` depends on the run, so its key
 * includes the run id and nothing is shared.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from '../manifest/job.js';
import { referencesIn } from '../manifest/template.js';

/** Bumped when what a transformation produces changes for reasons outside the job (how diffs are taken…). */
const KEY_VERSION = 'fleetmod-transform-1';

export async function transformKey(job: Job, runId: string): Promise<string> {
  const hash = createHash('sha256').update(KEY_VERSION).update('\0');
  const commands = [
    ...job.candidates.flatMap((c) => c.steps.flatMap((s) => [s.run, ...Object.values(s.env)])),
    ...job.candidates.flatMap((c) => Object.values(c.env)),
    ...job.verify.flatMap((v) => [v.run, ...Object.values(v.env)]),
    ...(job.score ? [job.score.run] : []),
  ];
  const usesRunId = commands.some((text) => referencesIn(text).some((r) => r.variable === 'run.id'));
  const definition = {
    sandbox: job.sandbox,
    candidates: job.candidates,
    verify: job.verify,
    select: job.select,
    score: job.score ?? null,
    run: usesRunId ? runId : null,
  };
  hash.update(JSON.stringify(definition)).update('\0');
  const files = [...new Set(job.candidates.flatMap((c) => c.steps.flatMap((s) => s.files)))].sort();
  for (const file of files) await hashPath(hash, path.join(job.dir, file), file);
  return hash.digest('hex');
}

/** A step file's bytes (a folder's files, in name order); a missing one hashes as missing, and the run then fails on it. */
async function hashPath(hash: ReturnType<typeof createHash>, absolute: string, name: string): Promise<void> {
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    hash.update(`missing ${name}\0`);
    return;
  }
  if (info.isDirectory()) {
    const entries = (await readdir(absolute)).sort();
    hash.update(`dir ${name}\0`);
    for (const entry of entries) await hashPath(hash, path.join(absolute, entry), `${name}/${entry}`);
    return;
  }
  hash.update(`file ${name} ${info.mode & 0o111 ? 'x' : '-'} ${info.size}\0`);
  hash.update(await readFile(absolute));
  hash.update('\0');
}
