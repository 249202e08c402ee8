#!/usr/bin/env bash
# Rehearses both stacks, every example and the golden test's extra stacks
# (named databases, buckets, PgBouncer, …) against the Railway emulator: every
# deployment must come up. Exits non-zero if any would not. Used by .ci/run and
# the pull-request workflow; runs anywhere Node runs, with no account.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for stack in staging prod; do
  npm run --silent rehearse -- --stack "$stack" || status=1
done
for config in examples/*/Pulumi.*.yaml test/golden/stacks/Pulumi.*.yaml; do
  stack=$(basename "$config" .yaml); stack=${stack#Pulumi.}
  echo "== $config"
  npm run --silent rehearse -- --stack "$stack" --config "$config" || status=1
done
exit "$status"
