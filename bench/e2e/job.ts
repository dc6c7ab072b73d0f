/**
 * The fleetmod job of the end-to-end benchmarks: the same edit the baseline script makes, one step, no verify. The
 * git limit (limits.clone) is fleetmod's default: 4 on the local path, 10 on the E2B path at 5 creations a second.
 */

export const BENCH_BRANCH = 'fleetmod/bench';

/** The edit, word for word the one in baseline-one-repo.sh. */
export const EDIT = `files=$(grep -rl --include='*.js' 'fetchData' . || true)
if [ -n "$files" ]; then
  sed -i 's/\\bfetchData\\b/loadData/g' $files
fi`;

export function benchJob(options: { name: string; reposFile: string; concurrency: number; provider: 'local' | 'e2b'; extraLimits?: string[] }): string {
  return `name: ${options.name}
repos:
  - file: ${options.reposFile}
sandbox:
  provider: ${options.provider}
  timeout: 5m
steps:
  - name: rename
    run: |
${EDIT.split('\n').map((line) => `      ${line}`).join('\n')}
change:
  branch: ${BENCH_BRANCH}
  commit:
    message: Rename fetchData() to loadData() in {{ repo.name }}
    author: Bench Bot <bench@example.com>
limits:
  concurrency: ${options.concurrency}
${(options.extraLimits ?? []).map((line) => `  ${line}`).join('\n')}
`;
}
