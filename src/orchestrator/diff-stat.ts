/** Counts files, insertions and deletions in a unified (binary) git diff without running git. */
export interface DiffCounts {
  files: number;
  insertions: number;
  deletions: number;
}

export function countDiff(diff: string): DiffCounts {
  const counts = { files: 0, insertions: 0, deletions: 0 };
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      counts.files += 1;
      inHunk = false;
    } else if (line.startsWith('@@')) {
      inHunk = true;
    } else if (inHunk && line.startsWith('+')) {
      counts.insertions += 1;
    } else if (inHunk && line.startsWith('-')) {
      counts.deletions += 1;
    }
  }
  return counts;
}
