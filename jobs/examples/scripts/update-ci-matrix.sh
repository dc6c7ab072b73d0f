#!/usr/bin/env bash
# Replaces Node 14/16 in GitHub Actions matrices and setup-node steps with the given major version.
set -euo pipefail
major="$1"
shopt -s nullglob
for workflow in .github/workflows/*.yml .github/workflows/*.yaml; do
  sed -i -E \
    -e "s/(node-version:[[:space:]]*['\"]?)1[46](\.x)?(['\"]?)/\1${major}\2\3/" \
    -e "s/node: \[[^]]*\]/node: [${major}]/" \
    "$workflow"
  echo "updated $workflow"
done
