/**
 * Moves a repository checkout into a sandbox without credentials: the host packs it with tar (minus
 * `.git/config`, which is sent separately with every remote URL and http setting removed), uploads the tarball,
 * the step files and the cleaned config through the files API, and one command unpacks them inside.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { errorMessage } from '../../domain/errors.js';
import { readHead } from '../../git/read-ref.js';
import { CheckoutNotPacked } from './errors.js';
import { E2B_FILES_DIR, E2B_STATE_DIR, E2B_WORKSPACE } from './layout.js';
import { makeOwnedTempDir } from '../../util/owned-temp.js';

export interface PackedWorkspace {
  tarball: string;
  bytes: number;
  /** The checkout's .git/config without credentials-bearing entries, or null when there is none. */
  gitConfig: string | null;
  /**
   * The commit the checkout is at, read on the host (null when its files do not say plainly). The change is taken
   * against it: inside the sandbox `.git` is writable, and a step that commits (as some coding agents do) moves HEAD.
   */
  head: string | null;
  dispose(): Promise<void>;
}

export interface UploadEntry {
  path: string;
  data: string | Blob | ReadableStream;
}

const TARBALL = `${E2B_STATE_DIR}/workspace.tar.gz`;
const GIT_CONFIG = `${E2B_STATE_DIR}/git-config`;

/**
 * The packs' temporary folders: named after the process (owned-temp.ts), so the next fleetmod removes those a killed
 * one left (a pack waits for its creation slot, so one may sit there for a while).
 */
export const PACK_PREFIX = 'fleetmod-e2b-pack-';

/** Packs the checkout on the host; any failure of that (tar, the temporary folder) is a CheckoutNotPacked. */
export async function packWorkspace(workspace: string): Promise<PackedWorkspace> {
  let dir: string | undefined;
  try {
    dir = await makeOwnedTempDir(os.tmpdir(), PACK_PREFIX);
    const tarball = path.join(dir, 'workspace.tar.gz');
    await runTar(['--create', '--gzip', '--file', tarball, '--exclude=./.git/config', '-C', workspace, '.']);
    const gitConfig = await readFile(path.join(workspace, '.git', 'config'), 'utf8').catch(() => null);
    const head = await readHead(path.join(workspace, '.git'));
    const bytes = (await stat(tarball)).size;
    const made = dir;
    return { tarball, bytes, gitConfig: gitConfig === null ? null : sanitizeGitConfig(gitConfig), head, dispose: () => rm(made, { recursive: true, force: true }) };
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true });
    throw err instanceof CheckoutNotPacked ? err : new CheckoutNotPacked(`cannot pack the checkout on this machine: ${errorMessage(err)}`, { cause: err });
  }
}

/** The files to upload: the tarball as a stream (never whole in memory), the cleaned config, the step files. */
export async function uploadEntries(packed: PackedWorkspace, files: ReadonlyMap<string, string>): Promise<UploadEntry[]> {
  const entries: UploadEntry[] = [
    { path: TARBALL, data: Readable.toWeb(createReadStream(packed.tarball)) as ReadableStream },
  ];
  if (packed.gitConfig !== null) entries.push({ path: GIT_CONFIG, data: packed.gitConfig });
  for (const [relative, hostPath] of files) {
    entries.push({ path: `${E2B_FILES_DIR}/${relative}`, data: new Blob([await readFile(hostPath)]) });
  }
  return entries;
}

/** Unpacks inside the sandbox; step files are made read-only, as they are in the local sandbox. */
export function unpackCommand(): string {
  return [
    'set -eu',
    `mkdir -p ${E2B_WORKSPACE} ${E2B_FILES_DIR}`,
    `tar --extract --gzip --no-same-owner --file ${TARBALL} -C ${E2B_WORKSPACE}`,
    `rm -f ${TARBALL}`,
    `if [ -f ${GIT_CONFIG} ]; then mv ${GIT_CONFIG} ${E2B_WORKSPACE}/.git/config; fi`,
    `chmod -R a-w ${E2B_FILES_DIR}`,
  ].join('\n');
}

/**
 * Drops everything in a git config that can carry a credential or point at a server: remote and submodule URLs,
 * and whole `[http]`, `[credential]` and `[url]` sections. Branch tracking and core settings stay.
 */
export function sanitizeGitConfig(text: string): string {
  const out: string[] = [];
  let dropSection = false;
  for (const line of text.split('\n')) {
    const section = /^\s*\[\s*([A-Za-z0-9.-]+)/.exec(line);
    if (section) dropSection = /^(http|https|credential|url)$/i.test((section[1] as string).split('.')[0] as string);
    if (dropSection) continue;
    if (/^\s*(url|pushurl|proxy|extraheader)\s*=/i.test(line)) continue;
    out.push(line);
  }
  return out.join('\n');
}

function runTar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // detached: a Ctrl-C meant for fleetmod (which finishes running repos) must not kill the packing.
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', (err) => reject(new CheckoutNotPacked(`cannot pack the checkout on this machine: tar: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new CheckoutNotPacked(`packing the checkout on this machine failed (tar exit ${code}): ${stderr.trim()}`));
    });
  });
}
