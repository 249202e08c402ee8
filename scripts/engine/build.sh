#!/usr/bin/env bash
# Builds the Pulumi CLI and its Node.js language host from their Go modules
# (the release flags, `go build` only, nothing from a download site) into
# ${XDG_CACHE_HOME:-~/.cache}/trestle/engine/<version>, and prints what it built.
# Where a module cannot be had it says exactly which module and version, and
# what the Go module proxy answered, and exits 3.
#
#   bash scripts/engine/build.sh            # probe, then build
#   bash scripts/engine/build.sh --probe    # only the probe: can the binaries be had? (seconds)
set -euo pipefail

# The CLI pairs with @pulumi/pulumi 3.270 (a newer CLI than SDK is supported);
# pkg/v3 v3.270.0 itself is not served, v3.276.0 is.
VERSION=v3.276.0
CLI_MODULE=github.com/pulumi/pulumi/pkg/v3
SDK_MODULE=github.com/pulumi/pulumi/sdk/v3
# Its own module since v3.69, never tagged: only a pseudo-version of a release commit resolves.
HOST_MODULE=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3

out="${XDG_CACHE_HOME:-$HOME/.cache}/trestle/engine/$VERSION"
skip() { echo "engine: skipped: $*"; exit 3; }

command -v go >/dev/null || skip "no Go toolchain on PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
go mod init trestle.local/engine >/dev/null 2>&1

# Gate 1: the language host. Without it no `pulumi preview` or `up` runs a Node.js program.
if ! host=$(go list -m -f '{{.Version}}' "$HOST_MODULE@latest" 2>&1); then
  answer=$(printf '%s\n' "$host" | grep -m1 -o '[0-9][0-9][0-9] [A-Za-z ]*' || true)
  reason=$(printf '%s\n' "$host" | grep -m1 'server response' | sed 's/^[[:space:]]*server response: //' || true)
  skip "the Node.js language host $HOST_MODULE has no version the Go module proxy serves (its version list answers ${answer:-an error}${reason:+: $reason}); its only versions are pseudo-versions of release commits (v3.0.0-<time>-<commit>), and no served module records the commit of $SDK_MODULE@$VERSION"
fi
# Gate 2: the CLI's modules.
for module in "$CLI_MODULE" "$SDK_MODULE"; do
  go mod download "$module@$VERSION" >/dev/null 2>&1 || skip "$module@$VERSION is not served by the Go module proxy"
done
if [ "${1:-}" = "--probe" ]; then
  echo "engine: $CLI_MODULE@$VERSION and $HOST_MODULE@$host can be had"
  exit 0
fi

go get -tool "$CLI_MODULE/cmd/pulumi@$VERSION" "$SDK_MODULE@$VERSION" "$HOST_MODULE@$host" 2>"$work/get.log" ||
  skip "a module the CLI or the host imports is not served: $(grep -m1 -E 'not available|403|404|410' "$work/get.log" || tail -1 "$work/get.log")"
mkdir -p "$out"
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$out/" "$CLI_MODULE/cmd/pulumi" "$HOST_MODULE"
echo "engine: built pulumi $VERSION and pulumi-language-nodejs ($host) in $out"
