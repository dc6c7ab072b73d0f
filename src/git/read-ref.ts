/**
 * Refs read from a repository's files (a loose ref, else packed-refs) without starting git — a process per lookup
 * is a large part of what a repository costs. Null whenever the files do not say plainly: callers then ask git.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The commit `ref` (e.g. refs/heads/main) points at in the git directory `gitDir`, or null. */
export async function readRef(gitDir: string, ref: string): Promise<string | null> {
  const loose = await readFile(path.join(gitDir, ref), 'utf8').catch(() => null);
  if (loose !== null) return SHA.test(loose.trim()) ? loose.trim() : null;
  const packed = await readFile(path.join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  const sha = line?.split(' ')[0];
  return sha !== undefined && SHA.test(sha) ? sha : null;
}

/** The commit HEAD of the git directory `gitDir` is at (through its branch, or detached), or null. */
export async function readHead(gitDir: string): Promise<string | null> {
  const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  if (SHA.test(head)) return head;
  const symbolic = /^ref: (refs\/\S+)$/.exec(head);
  return symbolic ? readRef(gitDir, symbolic[1] as string) : null;
}

/** The branch HEAD of the git directory `gitDir` names (`ref: refs/heads/<branch>`), or null when it names none. */
export async function readSymbolicHead(gitDir: string): Promise<string | null> {
  const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  return /^ref: refs\/heads\/(\S+)$/.exec(head)?.[1] ?? null;
}
