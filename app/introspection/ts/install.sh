#!/usr/bin/env bash
# Install the TypeScript compiler that app/introspection/typescript.py runs (through parse.js)
# to read the parameters of TypeScript scripts. Run by `make assets` (and so `make run` and
# `make test`). Idempotent: `npm ci` runs only when node_modules is missing or the lock changed.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  npm ci --no-audit --no-fund --omit=dev
  echo "$want" > "$stamp"
fi
echo "introspection: typescript $(node -p 'require("typescript").version') ready"
