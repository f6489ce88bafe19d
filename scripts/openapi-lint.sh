#!/usr/bin/env bash
# Lints the OpenAPI document the API serves with Redocly: the document is
# built from the route table (internal/api), written to a temporary file by
# the dump test, and checked. Needs npx (Node.js); without it, says so and
# skips.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npx >/dev/null 2>&1; then
  echo "openapi-lint: npx not found; skipping the Redocly lint" >&2
  exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
OPENAPI_OUT="$dir/openapi.json" go test -count=1 -run '^TestWriteOpenAPI$' ./internal/api/all/ >/dev/null
# Run from the temporary directory so that no project config is picked up.
(cd "$dir" && npx -y @redocly/cli@2.77.0 lint openapi.json)
