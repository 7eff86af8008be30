#!/usr/bin/env bash
# Builds the Temporal CLI (dev server) from the Go module proxy, cached under ~/.cache.
# v1.5.1 is the last release without `replace` directives in go.mod, so `go install` can build it.
# Prints the binary's path on stdout.
set -euo pipefail
version="${TEMPORAL_CLI_VERSION:-v1.5.1}"
cache="${SPACELIFT_CASCADE_CACHE:-$HOME/.cache/spacelift-cascade}"
bin_dir="$cache/temporal-cli-$version"
bin="$bin_dir/temporal"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "provision-dev-server: 'go' is required to build the Temporal CLI" >&2; exit 1; }
  mkdir -p "$bin_dir"
  echo "provision-dev-server: building temporal CLI $version (first time only, a few minutes)" >&2
  CGO_ENABLED=0 GOBIN="$bin_dir" GOFLAGS=-mod=mod \
    GOMODCACHE="${GOMODCACHE:-$cache/go-mod}" GOCACHE="${GOCACHE:-$cache/go-build}" \
    go install "github.com/temporalio/cli/cmd/temporal@$version" >&2
fi
echo "$bin"
