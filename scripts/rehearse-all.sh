#!/usr/bin/env bash
# Rehearses both stacks and every example against the Railway emulator: every
# deployment must come up. Exits non-zero if any would not. Used by .ci/run and
# the pull-request workflow; runs anywhere Node runs, with no account.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for stack in staging prod; do
  npm run --silent rehearse -- --stack "$stack" || status=1
done
for config in examples/*/Pulumi.*.yaml; do
  stack=$(basename "$config" .yaml); stack=${stack#Pulumi.}
  echo "== $config"
  npm run --silent rehearse -- --stack "$stack" --config "$config" || status=1
done
exit "$status"
