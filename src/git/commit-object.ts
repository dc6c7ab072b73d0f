/**
 * A commit object written straight into a checkout's object store, without starting git: the commit stage's
 * `commit-tree` (and the `sh` around it) was one process chain per repository for a few hundred bytes of text.
 *
 * The object is the one `git commit-tree <tree> -p <parent>` makes with the identity and date in GIT_AUTHOR_* and
 * GIT_COMMITTER_* and the message given as it is (no encoding header: the message is UTF-8; no signature:
 * SAFE_GIT_CONFIG turns signing off): same bytes, so the same SHA. git rewrites an identity with "crud" at its
 * edges or `<`, `>` or a newline in it, and which characters count as crud has changed between git versions; it
 * refuses a message with a NUL byte. Such commits are left to git (writtenAsGitWould).
 *
 * A signed commit (ssh-signing.ts) carries the signature of that content in a `gpgsig` header (`gpgsig-sha256` in a
 * SHA-256 repository) after the other headers, each line of the armored signature after a space, as `git commit -S`
 * writes it.
 *
 * The object goes where git puts a loose object (`objects/xx/…`, zlib-compressed, read-only), through a temporary
 * file in the same folder and a hard link, so a reader never sees half of it and an object already there is kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Identity } from '../manifest/job.js';

export interface CommitFields {
  tree: string;
  parent: string;
  author: Identity;
  /** Author and committer time in ms (whole seconds are kept, in UTC). */
  time: number;
  /** The message as it goes into the commit (already cleaned up). */
  message: string;
}

/** Whether writeCommitObject writes the commit git would: an identity git keeps as it is, a message git accepts. */
export function writtenAsGitWould(fields: Pick<CommitFields, 'author' | 'message'>): boolean {
  return isPlainIdentity(fields.author) && !fields.message.includes('\0');
}

/**
 * Whether git writes `identity` as it is, in every version: not empty, nothing git counts as crud at either end of
 * the name or the email (any of the characters any version has counted), and none of `<`, `>` or a newline inside.
 */
export function isPlainIdentity(identity: Identity): boolean {
  return [identity.name, identity.email].every((part) => part !== '' && !CRUD.test(part[0] as string) && !CRUD.test(part.at(-1) as string) && !/[<>\n]/.test(part));
}

/** What git's ident.c has called crud, in any version: control characters, space, and . , : ; < > " \ '. */
const CRUD = /^[\x00-\x20.,:;<>"\\']$/;

/** The commit object's content (what follows `commit <length>\0`). */
export function commitContent(fields: CommitFields): Buffer {
  const seconds = Math.floor(fields.time / 1000);
  const ident = `${fields.author.name} <${fields.author.email}> ${seconds} +0000`;
  return Buffer.from(`tree ${fields.tree}\nparent ${fields.parent}\nauthor ${ident}\ncommitter ${ident}\n\n${fields.message}`, 'utf8');
}

/** Signs a commit's content: returns the armored signature (ending in a newline). */
export type CommitSigner = (content: string) => Promise<string>;

/**
 * Writes the commit into the object store of the git directory `gitDir` and returns its id. The hash is SHA-1 or
 * SHA-256 as the parent's id says (40 or 64 hex digits): a repository has one object format.
 */
export async function writeCommitObject(gitDir: string, fields: CommitFields, sign?: CommitSigner): Promise<string> {
  const algorithm = fields.parent.length === 64 ? 'sha256' : 'sha1';
  const content = commitContent(fields);
  return writeLooseObject(gitDir, 'commit', sign ? await signed(content, sign, algorithm) : content, algorithm);
}

/** Writes a signed copy of the commit `id` (a loose object of `gitDir`, as `git commit-tree` leaves it); returns its id. */
export async function signCommitObject(gitDir: string, id: string, sign: CommitSigner): Promise<string> {
  const algorithm = id.length === 64 ? 'sha256' : 'sha1';
  const object = inflateSync(await readFile(looseObjectPath(gitDir, id)));
  const content = object.subarray(object.indexOf(0) + 1);
  return writeLooseObject(gitDir, 'commit', await signed(content, sign, algorithm), algorithm);
}

/** `content` with the signature of `content` as its last header. */
async function signed(content: Buffer, sign: CommitSigner, algorithm: 'sha1' | 'sha256'): Promise<Buffer> {
  const text = content.toString('utf8');
  const signature = await sign(text);
  const header = `${algorithm === 'sha256' ? 'gpgsig-sha256' : 'gpgsig'} ${signature.replace(/\n$/, '').split('\n').join('\n ')}\n`;
  const endOfHeaders = text.indexOf('\n\n') + 1;
  return Buffer.from(text.slice(0, endOfHeaders) + header + text.slice(endOfHeaders), 'utf8');
}

/** Whether `id` is a loose object of `gitDir` (a packed one is not looked for). */
export async function looseObjectExists(gitDir: string, id: string): Promise<boolean> {
  return stat(looseObjectPath(gitDir, id)).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function writeLooseObject(gitDir: string, type: string, content: Buffer, algorithm: 'sha1' | 'sha256'): Promise<string> {
  const object = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const id = createHash(algorithm).update(object).digest('hex');
  const target = looseObjectPath(gitDir, id);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `tmp_obj_fleetmod_${randomBytes(6).toString('hex')}`);
  await writeFile(temporary, deflateSync(object), { mode: 0o444, flag: 'wx' });
  try {
    await link(temporary, target).catch((err: NodeJS.ErrnoException) => {
      // The object is there already (made before, or by another writer): the same bytes, by its name.
      if (err.code !== 'EEXIST') throw err;
    });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return id;
}

function looseObjectPath(gitDir: string, id: string): string {
  return path.join(gitDir, 'objects', id.slice(0, 2), id.slice(2));
}
