#!/bin/sh
# The baseline of the end-to-end benchmarks, for one repository: clone, the same edit as the fleetmod job, commit,
# push. No isolation, no journal, no report, no retries — the least any fleet-change tool has to do.
set -eu
url=$1
name=$(basename "$url" .git)
dir="$BASELINE_WORK/$name"
git clone --quiet "$url" "$dir"
cd "$dir"
files=$(grep -rl --include='*.js' 'fetchData' . || true)
if [ -n "$files" ]; then
  sed -i 's/\bfetchData\b/loadData/g' $files
fi
if git diff --quiet; then exit 0; fi
git commit --quiet -am "Rename fetchData() to loadData() in $name"
git push --quiet origin HEAD:refs/heads/fleetmod/bench
