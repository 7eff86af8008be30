#!/usr/bin/env bash
# One command from a fresh clone to a running cascade: installs dependencies, provisions the Temporal dev
# server (built once from the Go module proxy, cached under ~/.cache), builds, and runs the demo.
# Arguments go to the demo, e.g. `bash scripts/demo.sh --keep-running`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund

if [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/provision-dev-server.sh)"
  export TEMPORAL_CLI_PATH
fi

# Rebuild when the compiled CLI is missing or older than any source file.
if [ ! -f dist/cli/main.js ] || [ ! -f dist/workflow-bundle.js ] || [ -n "$(find src -newer dist/cli/main.js -name '*.ts' -print -quit)" ]; then
  npm run --silent build
fi

exec node dist/cli/main.js demo "$@"
