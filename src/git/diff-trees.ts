/**
 * The tree each recent diff of a checkout was taken to. Taking a diff writes the worktree's tree into the checkout
 * anyway (change-scripts.ts's diff script), so committing that same diff onto the same base can name the tree instead
 * of applying the diff to a fresh index and writing it again — three git processes and a scratch folder less per
 * repository. Anything else (another diff, another base, a checkout made again since) takes the full path, which
 * makes the same commit from the diff alone.
 */
import { createHash } from 'node:crypto';

export interface DiffTrees {
  /** `diff` was taken in `dir`, whose HEAD was `head`, and its worktree's tree is `tree`. */
  remember(dir: string, head: string, diff: string, tree: string): void;
  /** The tree of `diff` taken in `dir` on `base`, if that is the last diff taken there; forgets it either way. */
  take(dir: string, base: string, diff: string): string | undefined;
}

/** At most `limit` checkouts remembered (a diff that is never committed is forgotten after `limit` newer ones). */
export function createDiffTrees(limit = 1000): DiffTrees {
  const byDir = new Map<string, { head: string; digest: string; tree: string }>();
  const digest = (diff: string) => createHash('sha256').update(diff).digest('hex');
  return {
    remember(dir, head, diff, tree) {
      byDir.delete(dir);
      byDir.set(dir, { head, digest: digest(diff), tree });
      if (byDir.size > limit) byDir.delete(byDir.keys().next().value as string);
    },
    take(dir, base, diff) {
      const entry = byDir.get(dir);
      byDir.delete(dir);
      return entry && entry.head === base && entry.digest === digest(diff) ? entry.tree : undefined;
    },
  };
}
