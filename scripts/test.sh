#!/usr/bin/env bash
# The whole suite: provisions the Temporal servers (cached under ~/.cache), builds, then runs tap.
# Extra arguments go to tap (e.g. `npm test -- test/workflows`).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund

# Offline machines build the servers from Maven Central and the Go module proxy; machines without
# java/mvn or go fall back to the SDK's own download (needs internet).
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ] && command -v mvn >/dev/null && command -v java >/dev/null; then
  TEMPORAL_TEST_SERVER_PATH="$(bash scripts/provision-test-server.sh)"; export TEMPORAL_TEST_SERVER_PATH
fi
if [ -z "${TEMPORAL_CLI_PATH:-}" ] && command -v go >/dev/null; then
  TEMPORAL_CLI_PATH="$(bash scripts/provision-dev-server.sh)"; export TEMPORAL_CLI_PATH
fi

# Both architectures, bundled once; test/binary/arm64.test.ts runs the arm64 one under qemu-user.
npm run --silent build:binary -- --arch x64 --arch arm64
exec npx tap "$@"
