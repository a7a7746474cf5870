#!/usr/bin/env bash
# Build the dashboard's front-end bundle: webui/static/dist/editor.js (CodeMirror 6).
# Idempotent: `npm ci` runs only when node_modules is missing or package-lock.json changed.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

mkdir -p static/dist
node_modules/.bin/esbuild js/editor.js --bundle --minify --format=iife --target=es2020 \
  --log-level=warning --outfile=static/dist/editor.js
echo "webui: built static/dist/editor.js"
